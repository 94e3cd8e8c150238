# Peregrine agent image: a static binary on an empty base.
#
#   docker build -t peregrine:dev --build-arg VERSION=$(git describe --tags --always) .
#
# Rules are not in the image. Peregrine does not ship Falco's rule files
# (they are Falco's, under their own licence), so the image has an empty
# /etc/peregrine/rules.d: mount your rules there, e.g. a Kubernetes
# ConfigMap made from Falco's falco_rules.yaml (deploy/kubernetes does
# this), or a host directory:
#
#   docker run --pid=host --cap-drop=ALL \
#     --cap-add=BPF --cap-add=PERFMON --cap-add=SYS_RESOURCE \
#     --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH \
#     -v /etc/falco:/etc/peregrine/rules.d:ro \
#     -v /var/run/docker.sock:/var/run/docker.sock:ro \
#     peregrine:dev
#
# The configuration in the image is deploy/peregrine.yaml; mount another
# one over /etc/peregrine/peregrine.yaml to change it.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that a change of the sources reuses this layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# CGO_ENABLED=0: a static binary that needs no libc, so it runs FROM
# scratch. -trimpath: no build paths in the binary. The BPF objects are
# embedded (bpf2go output is committed), so no clang is needed here.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/usr/local/bin/peregrine ./cmd/peregrine \
 && mkdir -p /out/etc/peregrine/rules.d /out/tmp \
 && chmod 1777 /out/tmp

FROM scratch
# /tmp for the capture files and program outputs that want one; the
# empty rules.d is the mount point for rules.
COPY --from=build /out/ /
COPY deploy/peregrine.yaml /etc/peregrine/peregrine.yaml
# The web server: /healthz, /versions, /metrics.
EXPOSE 8765
ENTRYPOINT ["/usr/local/bin/peregrine"]
CMD ["run", "-c", "/etc/peregrine/peregrine.yaml"]
