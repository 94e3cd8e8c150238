# Peregrine. `make help` lists the targets.

GO      ?= go
BIN     ?= bin/peregrine
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: help build test generate lint bench vmlinux

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

build: ## build bin/peregrine
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/peregrine

test: ## run the whole test suite (installs sysdig and tshark when run as root)
	./scripts/test.sh

generate: ## regenerate generated files (event table from ../shared/reference, BPF objects with bpf2go)
	$(GO) generate ./...

vmlinux: ## regenerate internal/capture/bpf/vmlinux.h from this kernel's BTF (needs bpftool)
	bpftool btf dump file /sys/kernel/btf/vmlinux format c > internal/capture/bpf/vmlinux.h

lint: ## gofmt, go vet and staticcheck (pinned in go.mod)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

bench: ## run the benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...
