#!/usr/bin/env bash
# Throughput of the agent (needs root): the highest rate of events that
# `peregrine run -o json` with the default rules (Falco's stable file)
# takes for DURATION seconds without a drop. For each rate step a fresh
# agent starts, bench/loop.c's rate mode opens and closes a file at that
# many system calls a second (open/openat and close are event types the
# default rules and the state engine need, so each one crosses the ring
# buffer), the agent is stopped with SIGINT and its summary gives the
# kernel side's counters: sent, and dropped because the ring buffer was
# full. The agent's processor time (from /proc/PID/stat, % of one core)
# and memory (VmRSS at the end of the step, VmHWM over its life) are taken
# too. Steps go up until one drops (KEEP_GOING=1 runs them all).
# Usage: sudo bench/throughput.sh [DURATION] [RATE...]
#        (default 60 s; 100000 200000 400000 800000 events/s)
# Environment: EVENTS=openclose (default) or badclose: close(-1), an event
# that costs the generator much less (the agent handles it in full), to
# find the agent's limit rather than the generator's; GENS (generator processes sharing the rate; default one per
# 400,000 events/s, at most one per core),
# PEREGRINE (agent binary), RULES, RING (ring buffer bytes, default the
# agent's).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
duration=${1:-60}
shift || true
rates=${*:-100000 200000 400000 800000}
gens_env=${GENS:-auto}
tmp=$(mktemp -d)
cleanup() { stop_agent; rm -rf "$tmp"; }
trap cleanup EXIT
build_tools
echo x > "$tmp/file"
case ${EVENTS:-openclose} in
openclose) target=$tmp/file; per_gen=400000 ;;
badclose) target=-; per_gen=1500000 ;;
*) echo "EVENTS: openclose or badclose" >&2; exit 2 ;;
esac
ring_flag=""
[ -n "${RING:-}" ] && ring_flag="--ring-size $RING"
if [ -n "$ring_flag" ]; then
  # start_agent has no extra flags: wrap the binary.
  mv "$tmp/peregrine" "$tmp/peregrine.bin"
  printf '#!/bin/sh\nexec %s "$@" %s\n' "$tmp/peregrine.bin" "$ring_flag" > "$tmp/peregrine"
  chmod +x "$tmp/peregrine"
fi

hz=$(getconf CLK_TCK)
printf "%10s %12s %12s %10s %10s %9s %9s %9s %8s\n" \
  "target/s" "generated/s" "sent/s" "dropped" "drop %" "cpu %" "RSS MB" "peak MB" "others"
best=0
for rate in $rates; do
  read -r left pressure < <(wait_quiet 15)
  start_agent run "$tmp/agent.$rate.log"
  sleep 0.5
  t0=$(cpu_ticks "$agent"); s=$EPOCHREALTIME
  gens=$gens_env
  # one generator makes about $per_gen events/s here under the agent:
  # share higher rates
  [ "$gens" = auto ] && gens=$(( (rate + per_gen - 1) / per_gen )) && [ "$gens" -gt "$(nproc)" ] && gens=$(nproc)
  pids=()
  for g in $(seq "$gens"); do
    "$tmp/loop" rate "$((rate / gens))" "$duration" "$target" > "$tmp/gen.$rate.$g" &
    pids+=($!)
  done
  wait "${pids[@]}"
  e=$EPOCHREALTIME; t1=$(cpu_ticks "$agent")
  rss=$(mem_kb "$agent" VmRSS); hwm=$(mem_kb "$agent" VmHWM)
  stop_agent
  gen=$(cat "$tmp"/gen.$rate.* | awk '{c += $1; if ($2 > t) t = $2} END {printf "%.0f", c / t}')
  sent=$(summary_field sent); dropped=$(summary_field dropped); seen=$(summary_field seen)
  cpu=$(echo "$t0 $t1 $s $e $hz" | awk '{printf "%.1f", 100 * ($2 - $1) / $5 / ($4 - $3)}')
  awk -v r="$rate" -v g="$gen" -v sent="$sent" -v d="$dropped" -v c="$cpu" -v rss="$rss" -v h="$hwm" \
    -v t="$(echo "$e $s" | awk '{print $1 - $2}')" -v f="$left/$pressure%" 'BEGIN {
    printf "%10d %12d %12.0f %10d %10.3f %9s %9.1f %9.1f %8s\n", r, g, sent / t, d, (sent + d > 0) ? 100 * d / (sent + d) : 0, c, rss / 1024, h / 1024, f
  }'
  echo "  agent: $(grep '^peregrine: [0-9]' "$tmp/agent.$rate.log" | sed 's/^peregrine: //')"
  if [ "$dropped" = 0 ]; then
    [ "$gen" -gt "$best" ] && best=$gen
  elif [ "${KEEP_GOING:-0}" != 1 ]; then
    break
  fi
done
echo
echo "Highest generated rate with zero drops over ${duration} s: $best events/s (${EVENTS:-openclose})"
echo "(sent/s counts every event the kernel side wrote, the generator's and the host's, over the"
echo " step's wall time; cpu % = the agent's user+system time over the step, of one core;"
echo " others = other tracers' BPF links on the system call tracepoints / cpu pressure avg10 at the"
echo " step's start (the machine is shared; the script waits up to 15 s for 0 and <5%); one run per step)"
echo "machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
