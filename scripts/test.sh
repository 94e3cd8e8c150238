#!/usr/bin/env bash
# Runs Peregrine's whole test suite on a fresh Debian machine: installs what
# the tests need (once), checks formatting, vet and generated files, then runs
# every test. Set PEREGRINE_CI=1 to turn skipped prerequisites into failures
# (.ci/run does).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v sysdig >/dev/null || need+=(sysdig)
command -v tshark >/dev/null || need+=(tshark)
command -v python3 >/dev/null || need+=(python3)
# eBPF programs (clang, llvm, libbpf headers, bpftool) and the Docker tests
# (an engine of their own, images made of busybox-static).
for pkg in clang llvm libbpf-dev bpftool docker.io busybox-static; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${need[*]}; run as root to install them, or install them yourself" >&2
  else
    echo "== installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
fi

echo "== gofmt"
bad=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$bad" ]; then echo "gofmt would change:"; echo "$bad"; exit 1; fi

echo "== go vet, staticcheck"
go vet ./...
go tool staticcheck ./...

echo "== generated files are up to date"
go generate ./...
if ! git diff --exit-code --stat -- '*_gen.go' '*_bpfel.go' '*_bpfel.o'; then
  echo "generated files differ from what is committed: run 'make generate' and commit" >&2
  exit 1
fi

# The Docker tests (testenv.Docker) use an engine of their own: its own
# socket, data and run directories, and no networking (containers run with
# --network none). Started when root and dockerd is installed, unless
# DOCKER_HOST names an engine already or the test engine answers (started
# by hand); stopped when the script ends.
docker_sock=/run/peregrine-test-docker.sock
dockerd_log=/tmp/peregrine-dockerd.log
dockerd_pid=
stop_dockerd() {
  if [ -n "$dockerd_pid" ]; then
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
}
start_dockerd() {
  [ -z "${DOCKER_HOST:-}" ] || return 0
  [ "$(id -u)" -eq 0 ] && command -v dockerd >/dev/null && command -v docker >/dev/null || return 0
  if docker -H "unix://$docker_sock" version >/dev/null 2>&1; then
    export DOCKER_HOST="unix://$docker_sock"
    return 0
  fi
  echo "== starting dockerd (log: $dockerd_log)"
  dockerd --host "unix://$docker_sock" --data-root /tmp/peregrine-docker \
    --exec-root /run/peregrine-docker --pidfile /run/peregrine-docker.pid \
    --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
    >"$dockerd_log" 2>&1 &
  dockerd_pid=$!
  trap stop_dockerd EXIT
  for _ in $(seq 120); do
    if docker -H "unix://$docker_sock" version >/dev/null 2>&1; then
      export DOCKER_HOST="unix://$docker_sock"
      return 0
    fi
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "test.sh: dockerd did not answer on $docker_sock; the Docker tests will skip (fail under PEREGRINE_CI):" >&2
  tail -n 20 "$dockerd_log" >&2 || true
}
start_dockerd

echo "== go test"
go test -race -count=1 ./...
