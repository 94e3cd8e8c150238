#!/usr/bin/env bash
# Measures `peregrine replay` with Falco's stable, incubating and sandbox
# rules on a capture of N real events (repeated), next to sysdig 0.29.3
# evaluating a Falco-like filter (open, connect and execve checks) on the
# same file, in the same run; and with Peregrine's own rules (rules/).
# Usage: bench/replay.sh [N]   (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000000}
caps=../shared/captures
rules=../shared/upstream-rules
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/peregrine" ./cmd/peregrine
go run ./bench/mkcapture -n "$n" -o "$tmp/big.scap" \
  "$caps/libs_curl_google.scap" "$caps/libs_single_ipv6_conn.scap" "$caps/falco_ping_sendto.scap" \
  "$caps/falco_psp_write_tmp_test.scap" "$caps/libs_sample.scap"
echo "capture: $n events, $(( $(stat -c %s "$tmp/big.scap") / 1000000 )) MB (plain)"

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
  echo "$label" "$t" | awk -v n="$n" '{printf "%-44s %7.3f s  %6.2f M events/s\n", $1, $2, n/$2/1e6}'
}
report "peregrine-replay(stable+incubating+sandbox)" "$tmp/peregrine" replay -r "$tmp/big.scap" \
  --rules "$rules/falco_rules.yaml" --rules "$rules/falco-incubating_rules.yaml" --rules "$rules/falco-sandbox_rules.yaml"
report "peregrine-replay(stable)" "$tmp/peregrine" replay -r "$tmp/big.scap" --rules "$rules/falco_rules.yaml"
report "peregrine-replay(peregrine-rules)" "$tmp/peregrine" replay -r "$tmp/big.scap" --rules rules/
filter='(evt.type in (open,openat,openat2) and evt.dir=< and fd.name startswith /etc) or (evt.type=connect and evt.dir=< and fd.sport in (22,443,4444)) or (evt.type in (execve,execveat) and evt.dir=< and proc.name in (bash,sh,nc,ncat))'
report "peregrine-events(falco-like-filter)" "$tmp/peregrine" events -r "$tmp/big.scap" -p '%evt.num' "$filter"
if command -v sysdig > /dev/null; then
  report "sysdig-0.29.3(falco-like-filter)" sysdig -r "$tmp/big.scap" -p '%evt.num' "$filter"
  report "sysdig-0.29.3(no-filter,no-output)" sysdig -r "$tmp/big.scap" -p '%evt.num' 'evt.num=0'
fi
