# Helpers shared by the agent benchmarks in bench/ (sourced, not run).
# The caller sets $tmp (a scratch directory it removes) and runs from the
# repository's root.
#
# Environment:
#   PEREGRINE  an agent binary to use instead of building ./cmd/peregrine
#   RULES      the rules the agent runs (default: Falco's stable file)

RULES=${RULES:-../shared/upstream-rules/falco_rules.yaml}
agent=""      # pid of the running agent or tracer
agent_log=""  # its standard error

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "$0: needs root (BPF programs, /proc of every process)" >&2
    exit 1
  fi
}

# build_tools compiles the load generator, the tracer and the agent.
build_tools() {
  cc -O2 -pthread -o "$tmp/loop" bench/loop.c
  go build -o "$tmp/captrace" ./bench/captrace
  go build -o "$tmp/alertlat" ./bench/alertlat
  if [ -n "${PEREGRINE:-}" ]; then
    cp "$PEREGRINE" "$tmp/peregrine"
  else
    go build -o "$tmp/peregrine" ./cmd/peregrine
  fi
}

# apt_need installs the Debian packages given when the command (first
# argument) is missing.
apt_need() {
  local cmd=$1; shift
  command -v "$cmd" > /dev/null && return
  echo "installing $* (for $cmd)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" > "$tmp/apt.log" 2>&1 ||
    { apt-get update > /dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" > "$tmp/apt.log" 2>&1; } ||
    { cat "$tmp/apt.log" >&2; exit 1; }
}

# start_agent MODE [LOG]: none does nothing; floor, filtered and all hold
# bench/captrace; run starts `peregrine run -o json` with $RULES, alerts to
# /dev/null (or to $agent_out when set). Returns once it is capturing.
start_agent() {
  local mode=$1
  agent_log=${2:-$tmp/agent.log}
  agent=""
  case $mode in
  none) return ;;
  run)
    "$tmp/peregrine" run -o json --no-docker --rules "$RULES" \
      > "${agent_out:-/dev/null}" 2> "$agent_log" &
    agent=$!
    local i
    for i in $(seq 600); do
      grep -q '^peregrine: watching' "$agent_log" && return
      kill -0 "$agent" 2> /dev/null || break
      sleep 0.05
    done
    echo "agent did not start:" >&2; cat "$agent_log" >&2; exit 1
    ;;
  *)
    rm -f "$tmp/ready"; mkfifo "$tmp/ready"
    "$tmp/captrace" -mode "$mode" > "$tmp/ready" 2> "$agent_log" &
    agent=$!
    local line; read -r line < "$tmp/ready"
    [ "$line" = ready ] || { echo "tracer $mode did not start" >&2; cat "$agent_log" >&2; exit 1; }
    ;;
  esac
}

# stop_agent stops it (SIGINT: the agent prints its summary) and waits.
stop_agent() {
  [ -z "$agent" ] && return
  kill -INT "$agent" 2> /dev/null || true
  wait "$agent" || true
  agent=""
}

# summary_field NAME: a number from the agent's summary line in $agent_log
# (events, alerts, seen, sent, dropped, full, filtered).
summary_field() {
  awk -v want="$1" '/^peregrine: [0-9]+ events/ {
    gsub(/[(),;]/, " ")
    for (i = 2; i <= NF; i++) {
      if ($i ~ /^[0-9]+$/) {
        k = $(i + 1); if (k == "buffer") k = "full"
        v[k] = $i
      }
    }
    print v[want] + 0; exit
  }' "$agent_log"
}

# cpu_ticks PID: user+system clock ticks of the process, all threads.
cpu_ticks() {
  local s
  s=$(cat "/proc/$1/stat" 2> /dev/null) || { echo 0; return; }
  s=${s##*) }
  set -- $s
  echo $(( ${12} + ${13} ))
}

# mem_kb PID FIELD: VmRSS or VmHWM in kB.
mem_kb() {
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2> /dev/null || echo 0
}

# foreign_links counts BPF links on the system call and scheduler
# tracepoints that are not ours: other tracers slow every system call and
# spoil the figures.
foreign_links() {
  command -v bpftool > /dev/null || { echo "?"; return; }
  bpftool link list 2> /dev/null | grep -cE "(tp|tp_name|attach_btf_name) '?(sys_enter|sys_exit|sched_process)" || true
}

# cpu_pressure: the share of the last 10 s in which some task waited for
# a processor (/proc/pressure/cpu avg10, %), or "?".
cpu_pressure() {
  awk '$1 == "some" {sub(/avg10=/, "", $2); print $2; exit}' /proc/pressure/cpu 2> /dev/null || echo "?"
}

# wait_quiet waits up to $1 seconds for foreign tracers to go and for the
# processor pressure of others (other users' jobs) to fall under 5%;
# prints "LINKS PRESSURE" as found at the end.
wait_quiet() {
  local n p i
  for i in $(seq "$1"); do
    n=$(foreign_links); p=$(cpu_pressure)
    { [ "$n" = 0 ] || [ "$n" = "?" ]; } && awk -v p="$p" 'BEGIN {exit !(p == "?" || p + 0 < 5)}' && break
    sleep 1
  done
  echo "$(foreign_links) $(cpu_pressure)"
}

# median and spread of the numbers on standard input: "median spread%"
# where spread is (max - min) / median.
median_spread() {
  sort -g | awk '{a[NR] = $1} END {
    if (NR == 0) { print "nan nan"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    printf "%s %.1f\n", m, (m != 0) ? 100 * (a[NR] - a[1]) / m : 0
  }'
}
