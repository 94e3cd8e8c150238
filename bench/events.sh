#!/usr/bin/env bash
# Measures how fast `peregrine events` reads, normalises and prints a capture
# of N real events (repeated), next to sysdig 0.29.3 printing the same file.
# Usage: bench/events.sh [N]   (default 1000000; needs sysdig for the comparison)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
caps=../shared/captures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/peregrine" ./cmd/peregrine
go run ./bench/mkcapture -n "$n" -o "$tmp/big.scap" \
  "$caps/libs_curl_google.scap" "$caps/libs_single_ipv6_conn.scap" "$caps/falco_ping_sendto.scap"
size=$(stat -c %s "$tmp/big.scap")
echo "capture: $n events, $((size / 1000000)) MB (plain)"

# best of three wall-clock runs, in seconds
best() {
  local b=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N)
    b=$(echo "$s $e ${b:-1e9}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
  done
  echo "$b"
}
report() {
  local label=$1; shift
  local t; t=$(best "$@")
  echo "$label" "$t" | awk -v n="$n" '{printf "%-40s %7.3f s  %6.2f M events/s\n", $1, $2, n/$2/1e6}'
}
report "peregrine-events-text(normalised)" "$tmp/peregrine" events -r "$tmp/big.scap"
report "peregrine-events-text(--raw)" "$tmp/peregrine" events --raw -r "$tmp/big.scap"
report "peregrine-events-json" "$tmp/peregrine" events -o json -r "$tmp/big.scap"
report "peregrine-events-copy(-w)" "$tmp/peregrine" events -r "$tmp/big.scap" -w "$tmp/copy.scap"
if command -v sysdig > /dev/null; then
  report "sysdig-0.29.3-text" sysdig -r "$tmp/big.scap"
  report "sysdig-0.29.3-json" sysdig -j -r "$tmp/big.scap"
  report "sysdig-0.29.3-copy(-w)" sysdig -r "$tmp/big.scap" -w "$tmp/copy2.scap"
fi
