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
if ! git diff --exit-code --stat -- '*_gen.go'; then
  echo "generated files differ from what is committed: run 'make generate' and commit" >&2
  exit 1
fi

echo "== go test"
go test -race -count=1 ./...
