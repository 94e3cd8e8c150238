#!/usr/bin/env bash
# Detection latency of the agent (needs root): from the system call to the
# alert line on the agent's standard output. `peregrine run -o json` with
# the default rules (Falco's stable file) writes its alerts into a pipe
# read by bench/alertlat, which stamps each line with CLOCK_REALTIME as it
# reads it. bench/loop.c's shadow mode (an untrusted program named "loop")
# opens /etc/shadow N times, INTERVAL microseconds apart: each open is a
# "Read sensitive file untrusted" alert. Latency = read time - the alert's
# "time" (the event's timestamp, taken in the kernel at the system call's
# exit). As a check, the generator notes CLOCK_REALTIME just before each
# open: "call->read" is measured from there (alerts matched in order), and
# "call->event" shows how far the kernel's stamp is from it.
# The run is repeated under background loads of LOAD events/s (open+close
# from loop's rate mode, as in bench/throughput.sh); 0 is idle.
# Usage: sudo bench/latency.sh [N] [INTERVAL_US] [LOAD...]
#        (default 1000 opens, 3000 us apart; loads 0 100000 200000)
# Environment: PEREGRINE (agent binary), RULES.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
n=${1:-1000}
interval=${2:-3000}
shift 2 || shift $#
loads=${*:-0 100000 200000}
tmp=$(mktemp -d)
reader=""
load=""
cleanup() {
  [ -n "$load" ] && kill "$load" 2> /dev/null
  stop_agent
  [ -n "$reader" ] && wait "$reader" 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
build_tools
echo x > "$tmp/file"
gen_secs=$(( n * interval / 1000000 + 2 ))

echo "Detection latency: $n opens of /etc/shadow, ${interval} us apart, by an untrusted program;"
echo "microseconds from the system call to the alert line read from the agent's standard output."
printf "%-30s %6s %10s %10s %10s %10s %10s  %s\n" "load (events/s), span" alerts min p50 p90 p99 max others
for l in $loads; do
  read -r links pressure < <(wait_quiet 15)
  rm -f "$tmp/alerts"; mkfifo "$tmp/alerts"
  "$tmp/alertlat" -proc loop -gen "$tmp/gen.$l" -label "$l" < "$tmp/alerts" > "$tmp/lat.$l" &
  reader=$!
  agent_out=$tmp/alerts start_agent run "$tmp/agent.$l.log"
  if [ "$l" != 0 ]; then
    "$tmp/loop" rate "$l" "$gen_secs" "$tmp/file" > "$tmp/load.$l" &
    load=$!
    sleep 0.5
  fi
  "$tmp/loop" shadow "$n" "$interval" > "$tmp/gen.$l"
  sleep 0.3
  if [ -n "$load" ]; then kill "$load" 2> /dev/null || true; wait "$load" 2> /dev/null || true; load=""; fi
  stop_agent
  wait "$reader"; reader=""
  sed "s|\$|  $links/$pressure%|" "$tmp/lat.$l"
  echo "  agent: $(grep '^peregrine: [0-9]' "$tmp/agent.$l.log" | sed 's/^peregrine: //')"
done
echo
echo "(event->read: alert read - the alert's \"time\"; call->read: alert read - the generator's clock"
echo " before the open; call->event: the kernel's stamp - the generator's clock. The agent polls its"
echo " ring buffer every 5 ms and is woken early every 64 events per CPU. others = other tracers'"
echo " BPF links / cpu pressure avg10 at the start; the script waits up to 15 s for 0 and <5%.)"
echo "machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
