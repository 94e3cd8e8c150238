#!/usr/bin/env bash
# Agent memory with many threads on the host (needs root). bench/loop.c's
# threads mode starts a process with THREADS sleeping threads; the agent
# (`peregrine run -o json`, default rules, alerts to /dev/null) runs
#   baseline  without it,
#   before    with the threads started before the agent (they come from
#             the /proc scan at start-up),
#   after     with the threads started while the agent runs (they come
#             from clone events),
# and for each the script reports the time the agent took to start, the
# threads its scan found, its VmRSS SETTLE seconds later and its VmHWM
# (peak), from /proc/PID/status, and its processor time.
# Usage: sudo bench/threads.sh [THREADS] [SETTLE]   (default 10000, 5)
# Environment: PEREGRINE (agent binary), RULES.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
nthreads=${1:-10000}
settle=${2:-5}
tmp=$(mktemp -d)
helper=""
stop_helper() {
  if [ -n "$helper" ]; then kill "$helper" 2> /dev/null || true; wait "$helper" 2> /dev/null || true; helper=""; fi
}
cleanup() { stop_agent; stop_helper; rm -rf "$tmp"; }
trap cleanup EXIT
build_tools

start_helper() {
  rm -f "$tmp/hready"; mkfifo "$tmp/hready"
  "$tmp/loop" threads "$nthreads" 3600 > "$tmp/hready" &
  helper=$!
  local line; read -r line < "$tmp/hready"
  [ "$line" = ready ] || { echo "thread helper did not start" >&2; exit 1; }
}

hz=$(getconf CLK_TCK)
echo "Agent memory with $nthreads sleeping threads on the host ($(nproc) cores, $(uname -r))"
printf "%-9s %10s %10s %10s %10s %12s %14s\n" case "host thr." "start s" "RSS MB" "peak MB" "agent cpu s" "state threads"
for c in baseline before after; do
  [ "$c" = before ] && start_helper
  s=$EPOCHREALTIME
  start_agent run "$tmp/agent.$c.log"
  e=$EPOCHREALTIME
  [ "$c" = after ] && start_helper
  sleep "$settle"
  rss=$(mem_kb "$agent" VmRSS); hwm=$(mem_kb "$agent" VmHWM); ticks=$(cpu_ticks "$agent")
  host=$(ls -d /proc/[0-9]*/task/[0-9]* 2> /dev/null | wc -l)
  stop_agent
  stop_helper
  st=$(awk '/^peregrine: state:/ {print $3}' "$tmp/agent.$c.log")
  awk -v c="$c" -v h="$host" -v t="$(echo "$e $s" | awk '{printf "%.2f", $1 - $2}')" -v r="$rss" -v p="$hwm" \
    -v cpu="$(echo "$ticks $hz" | awk '{printf "%.2f", $1 / $2}')" -v st="$st" 'BEGIN {
    printf "%-9s %10d %10s %10.1f %10.1f %12s %14s\n", c, h, t, r / 1024, p / 1024, cpu, st
  }'
  grep '^peregrine: watching' "$tmp/agent.$c.log" | sed 's/^/  /'
done
echo
echo "(host thr. = threads in /proc while the agent ran; start s = until \"watching\" on its standard"
echo " error; RSS at the end, peak = VmHWM; state threads = the agent's thread table at the end)"
