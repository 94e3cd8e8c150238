#!/usr/bin/env bash
# Per-system-call overhead of live capture (needs root): a getppid loop and
# an open+close loop, each run with
#   none      no BPF program,
#   floor     a BPF program on raw_syscalls enter+exit that only counts,
#   filtered  Peregrine's capture, every system call filtered out in the kernel,
#   all       Peregrine's capture shipping every system call (generic events
#             included) to a reader that drains them,
# interleaved over ROUNDS rounds; prints the median ns per system call and
# the ratios to none and to floor.
# Usage: sudo bench/overhead.sh [ROUNDS] [ITERATIONS]   (default 7, 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
iters=${2:-2000000}
tmp=$(mktemp -d)
tracer=""
cleanup() {
  if [ -n "$tracer" ]; then kill "$tracer" 2>/dev/null || true; wait "$tracer" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -o "$tmp/loop" bench/loop.c
go build -o "$tmp/captrace" ./bench/captrace
echo x > "$tmp/file"

modes="none floor filtered all"
start_tracer() {
  [ "$1" = none ] && return
  mkfifo "$tmp/ready.$1"
  "$tmp/captrace" -mode "$1" > "$tmp/ready.$1" 2>> "$tmp/tracer.log" &
  tracer=$!
  read -r line < "$tmp/ready.$1"
  rm -f "$tmp/ready.$1"
  [ "$line" = ready ] || { echo "tracer $1 did not start" >&2; cat "$tmp/tracer.log" >&2; exit 1; }
}
stop_tracer() {
  [ -z "$tracer" ] && return
  kill -TERM "$tracer"; wait "$tracer" || true
  tracer=""
}

for r in $(seq "$rounds"); do
  for m in $modes; do
    start_tracer "$m"
    echo "getppid $m $("$tmp/loop" getppid "$iters")" >> "$tmp/results"
    echo "openclose $m $("$tmp/loop" openclose "$((iters / 4))" "$tmp/file")" >> "$tmp/results"
    stop_tracer
  done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf "%-10s %-9s %10s %9s %9s\n" loop mode "ns/call" "x none" "x floor"
for loop in getppid openclose; do
  none=$(awk -v l=$loop '$1==l && $2=="none" {print $3}' "$tmp/results" | median)
  floor=$(awk -v l=$loop '$1==l && $2=="floor" {print $3}' "$tmp/results" | median)
  for m in $modes; do
    v=$(awk -v l=$loop -v m=$m '$1==l && $2==m {print $3}' "$tmp/results" | median)
    awk -v l=$loop -v m=$m -v v="$v" -v n="$none" -v f="$floor" \
      'BEGIN {printf "%-10s %-9s %10.1f %9.2f %9.2f   (+%.0f ns over none, +%.0f over floor)\n", l, m, v, v/n, v/f, v-n, v-f}'
  done
done
echo "(medians of $rounds interleaved rounds; tracer counters in the last round:)"
tail -n 3 "$tmp/tracer.log"
