#!/usr/bin/env bash
# Noise check of Peregrine's default rules (needs root): `peregrine run` with
# its embedded rules (every rules/*.yaml, in their load order, as a user
# gets them) watches the host for DURATION seconds while ordinary work runs
# in a loop:
#   build    go build and go vet of this repository (a fresh GOCACHE at the
#            first round, so the compiler really runs), go test of one package
#   git      git log, git status, git diff --stat
#   files    tar | gzip of a source tree, tar x, find, grep -r, rm -r
#   scripts  shell scripts with pipes, subshells, sed, awk, sort, xargs
#   http     python3 -m http.server on 127.0.0.1 under a curl loop
#   packages a small .deb built here with dpkg-deb (a program in /usr/bin, a
#            config file in /etc, a cron.d job, a systemd unit enabled by its
#            postinst with deb-systemd-helper) installed with apt-get
#            install ./x.deb and with dpkg -i, run, and purged again (apt
#            reads its local lists only: nothing is downloaded)
# Then prints, per rule, the alerts at priority Warning or above (Emergency,
# Alert, Critical, Error, Warning) with the processes (name<-parent and
# container id or host) that
# raised most of them, the lower ones in total, and the agent's summary. The
# agent watches the whole host: work of others running at the same time
# counts too (the processes named tell); alerts of containers or of
# processes under a Go test binary are counted apart as other work. No network beyond loopback. Not part of CI.
# Usage: sudo bench/noise.sh [DURATION]   (seconds, default 150)
# Environment: PEREGRINE (agent binary; default: built from ./cmd/peregrine),
# SRC (the tree for the file work, default $(go env GOROOT)/src/net), ALERTS
# (a file to keep the agent's JSON alerts in).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "$0: needs root (BPF programs, /proc of every process)" >&2
  exit 1
fi
duration=${1:-150}
src=${SRC:-$(go env GOROOT)/src/net}
tmp=$(mktemp -d /var/tmp/peregrine-noise.XXXXXX)
agent=""
server=""
cleanup() {
  declare -F purge_pkg > /dev/null && purge_pkg
  [ -n "$server" ] && kill "$server" 2> /dev/null || true
  [ -n "$agent" ] && kill -INT "$agent" 2> /dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ -n "${PEREGRINE:-}" ]; then
  bin=$PEREGRINE
else
  bin=$tmp/peregrine
  go build -o "$bin" ./cmd/peregrine
fi
if [ -e /etc/peregrine/rules.d ]; then
  echo "$0: /etc/peregrine/rules.d exists: the agent would load it, not its embedded rules" >&2
  exit 1
fi

# The package of the packages round.
pkg=peregrine-noise-hello
mkdir -p "$tmp/pkg/DEBIAN" "$tmp/pkg/usr/bin" "$tmp/pkg/etc/cron.d" "$tmp/pkg/lib/systemd/system"
printf 'Package: %s\nVersion: 1.0\nArchitecture: all\nMaintainer: Peregrine bench <bench@localhost>\nDescription: noise check package of bench/noise.sh\n' "$pkg" > "$tmp/pkg/DEBIAN/control"
printf '#!/bin/sh\necho hello from %s\n' "$pkg" > "$tmp/pkg/usr/bin/$pkg"
printf 'greeting=hello\n' > "$tmp/pkg/etc/$pkg.conf"
printf '# %s: nothing to do\n17 3 * * * root /usr/bin/%s > /dev/null\n' "$pkg" "$pkg" > "$tmp/pkg/etc/cron.d/$pkg"
printf '[Unit]\nDescription=%s\n[Service]\nExecStart=/usr/bin/%s\n[Install]\nWantedBy=multi-user.target\n' "$pkg" "$pkg" > "$tmp/pkg/lib/systemd/system/$pkg.service"
printf '/etc/%s.conf\n/etc/cron.d/%s\n' "$pkg" "$pkg" > "$tmp/pkg/DEBIAN/conffiles"
printf '#!/bin/sh\nset -e\nmkdir -p /var/lib/%s\ndate > /var/lib/%s/installed\ndeb-systemd-helper enable %s.service\n' "$pkg" "$pkg" "$pkg" > "$tmp/pkg/DEBIAN/postinst"
printf '#!/bin/sh\nset -e\nrm -rf /var/lib/%s\nif [ "$1" = purge ]; then deb-systemd-helper purge %s.service; fi\n' "$pkg" "$pkg" > "$tmp/pkg/DEBIAN/postrm"
chmod 0755 "$tmp/pkg/usr/bin/$pkg" "$tmp/pkg/DEBIAN/postinst" "$tmp/pkg/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$tmp/pkg" "$tmp/$pkg.deb" > /dev/null
purge_pkg() { dpkg -P "$pkg" > /dev/null 2>&1 || true; }

env -u PEREGRINE_RULES "$bin" run -o json --no-docker > "$tmp/alerts.json" 2> "$tmp/agent.log" &
agent=$!
for _ in $(seq 600); do
  grep -q watching "$tmp/agent.log" && break
  kill -0 "$agent" 2> /dev/null || { cat "$tmp/agent.log" >&2; exit 1; }
  sleep 0.1
done
grep -q watching "$tmp/agent.log" || { echo "$0: the agent did not start" >&2; exit 1; }

# The loopback web server and its clients.
mkdir -p "$tmp/www"
cp README.md "$tmp/www/index.html"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" > /dev/null 2>&1 &
server=$!

work_build() {
  GOCACHE=$tmp/gocache go build -o /dev/null ./cmd/peregrine
  GOCACHE=$tmp/gocache go vet ./internal/event/ ./internal/field/
  GOCACHE=$tmp/gocache go test -count=1 ./internal/event/ > /dev/null
}
work_git() {
  git log -n 300 --stat > /dev/null
  git status --short > /dev/null
  git diff --stat HEAD~5 > /dev/null
}
work_files() {
  tar -C "$(dirname "$src")" -cf - "$(basename "$src")" | gzip -1 > "$tmp/tree.tgz"
  mkdir -p "$tmp/x" && tar -C "$tmp/x" -xzf "$tmp/tree.tgz"
  find "$tmp/x" -name '*_test.go' | wc -l > /dev/null
  grep -r --include='*.go' -l 'func Dial' "$tmp/x" > /dev/null || true
  rm -rf "$tmp/x" "$tmp/tree.tgz"
}
work_scripts() {
  cat > "$tmp/job.sh" << 'EOF'
#!/bin/sh
set -e
for i in 1 2 3 4 5; do
  n=$(seq 1 200 | awk '{s += $1} END {print s}')
  echo "round $i sum $n" | sed 's/round/pass/' | tr a-z A-Z > /dev/null
  ls /usr/bin | sort | head -20 | xargs -n 5 echo > /dev/null
  (cd /etc && grep -l root passwd group 2> /dev/null | wc -l > /dev/null)
  date +%s | cut -c1-5 > /dev/null
done
EOF
  chmod +x "$tmp/job.sh"
  "$tmp/job.sh"
  bash -c 'for f in /etc/*.conf; do [ -r "$f" ] && wc -l < "$f"; done > /dev/null'
  sh -c 'echo aGVsbG8= | base64 -d > /dev/null'
}
work_http() {
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/index.html"
  done
}
work_packages() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tmp/$pkg.deb" > /dev/null 2>&1
  "$pkg" > /dev/null
  purge_pkg
  dpkg -i "$tmp/$pkg.deb" > /dev/null 2>&1
  "$pkg" > /dev/null
  purge_pkg
}

end=$((SECONDS + duration))
rounds=0
while [ "$SECONDS" -lt "$end" ]; do
  work_build &
  b=$!
  work_git
  work_files
  work_scripts
  work_http
  work_packages
  # A build that fails (others change the tree under it) is still work.
  wait "$b" || echo "noise check: a build round failed" >&2
  rounds=$((rounds + 1))
done

kill -INT "$agent"
wait "$agent" || true
agent=""
[ -n "${ALERTS:-}" ] && cp "$tmp/alerts.json" "$ALERTS"
echo "noise check: ${duration}s, $rounds rounds of work, rules: embedded (peregrine run without --rules)"
python3 - "$tmp/alerts.json" << 'EOF'
import collections, json, sys
high = {"Emergency", "Alert", "Critical", "Error", "Warning"}
count, low = collections.Counter(), 0
# The workload starts no container and no test binary: alerts of a
# container, or of a process under a Go test binary (*.test), come from
# other work on the host (others' test suites attack it on purpose).
others = collections.Counter()
who = collections.defaultdict(collections.Counter)
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    a = json.loads(line)
    if a.get("priority") in high:
        count[(a["priority"], a["rule"])] += 1
        f = a.get("output_fields") or {}
        where = f.get("container.id") or "host"
        chain = [f.get(k) or "" for k in ("proc.name", "proc.pname", "proc.aname[2]")]
        if where != "host" or any(n.endswith(".test") for n in chain):
            others[a["rule"]] += 1
        who[a["rule"]]["%s<-%s (%s)" % (f.get("proc.name"), f.get("proc.pname"), where)] += 1
    else:
        low += 1
print("alerts at Warning or above: %d" % sum(count.values()))
for (prio, rule), n in sorted(count.items(), key=lambda kv: -kv[1]):
    print("  %6d  %-9s %s" % (n, prio, rule))
    print("          by " + ", ".join("%s: %d" % kv for kv in who[rule].most_common(4)))
print("of them from other work (a container, or under a *.test binary): %d; from the workload: %d"
      % (sum(others.values()), sum(count.values()) - sum(others.values())))
for (prio, rule), n in sorted(count.items(), key=lambda kv: -kv[1]):
    if n > others[rule]:
        print("  %6d  %-9s %s (not from other work)" % (n - others[rule], prio, rule))
print("alerts below Warning: %d" % low)
EOF
echo "agent summary:"
sed -n '/events,/,$p' "$tmp/agent.log"
