#!/usr/bin/env bash
# Measures `peregrine forensics collect` on a container whose file system
# holds SIZE MiB of random data (default 1024): a busybox image made with
# docker import, a container that fills /evidence.bin from /dev/urandom,
# then collections with everything, with --no-image and with --no-export,
# and a `forensics verify` of the full bundle. Prints seconds and MB/s
# (bundle bytes / wall time) for each.
#
# Needs root (the host's /proc of the container's processes) and a Docker
# engine: $DOCKER_HOST, else the test engine at
# unix:///run/peregrine-test-docker.sock (see DEVELOPERS.md, "Docker for
# tests").
# Usage: bench/forensics.sh [SIZE_MIB]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
if [ "$(id -u)" != 0 ]; then echo "$0: needs root" >&2; exit 1; fi
export DOCKER_HOST=${DOCKER_HOST:-unix:///run/peregrine-test-docker.sock}
docker version > /dev/null || { echo "$0: no Docker engine at $DOCKER_HOST" >&2; exit 1; }

tmp=$(mktemp -d)
cid=""
cleanup() {
  [ -z "$cid" ] || docker rm -f "$cid" > /dev/null 2>&1 || true
  chmod -R u+w "$tmp" 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/peregrine" ./cmd/peregrine

# A busybox image: the static busybox and a link per applet.
mkdir -p "$tmp/root/bin" "$tmp/root/tmp" "$tmp/root/etc" "$tmp/root/proc" "$tmp/root/sys" "$tmp/root/dev"
cp /bin/busybox "$tmp/root/bin/busybox"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$tmp/root/bin/$a"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$tmp/root/etc/passwd"
tar -C "$tmp/root" -c . | docker import -c 'CMD ["/bin/sh"]' - peregrine-bench/forensics:busybox > /dev/null

cid=$(docker run -d --network none peregrine-bench/forensics:busybox sh -c \
  "dd if=/dev/urandom of=/evidence.bin bs=1M count=$size 2>/dev/null; echo ready; exec sleep 100000")
until docker logs "$cid" 2>&1 | grep -q ready; do
  [ "$(docker inspect -f '{{.State.Running}}' "$cid")" = true ] || { docker logs "$cid" >&2; exit 1; }
  sleep 0.5
done
echo "container ${cid:0:12}: $size MiB in /evidence.bin (busybox image via docker import), engine $(docker version -f '{{.Server.Version}} API {{.Server.APIVersion}}')"

# measure NAME ARGS...: one collection into a fresh directory.
measure() {
  local name=$1; shift
  local out="$tmp/bundle-$name" s e
  sync; echo 3 > /proc/sys/vm/drop_caches 2> /dev/null || true
  s=$(date +%s.%N)
  "$tmp/peregrine" forensics collect "$cid" --case BENCH --out "$out" -o json "$@" > "$tmp/$name.json"
  e=$(date +%s.%N)
  local bytes
  bytes=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' "$tmp/$name.json")
  awk -v n="$name" -v s="$s" -v e="$e" -v b="$bytes" 'BEGIN {
    d = e - s; printf "collect %-12s %8.1f MB  %6.2f s  %7.1f MB/s\n", n, b / 1e6, d, b / 1e6 / d }'
}
measure full
measure no-image --no-image
measure no-export --no-export
s=$(date +%s.%N)
"$tmp/peregrine" forensics verify "$tmp/bundle-full" > /dev/null
e=$(date +%s.%N)
bytes=$(sed -n 's/.*"bytes":\([0-9]*\).*/\1/p' "$tmp/full.json")
awk -v s="$s" -v e="$e" -v b="$bytes" 'BEGIN { d = e - s; printf "verify  %-12s %8.1f MB  %6.2f s  %7.1f MB/s\n", "full", b / 1e6, d, b / 1e6 / d }'
