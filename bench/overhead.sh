#!/usr/bin/env bash
# Overhead of live capture on workloads (needs root). Each workload runs
# under each mode:
#   none      no BPF program,
#   floor     a BPF program on raw_syscalls enter+exit that only counts,
#   filtered  Peregrine's capture, every system call filtered out in the kernel,
#   all       Peregrine's capture shipping every system call (generic events
#             included) to a reader that drains them,
#   run       the real agent: `peregrine run -o json` with the default rules
#             (Falco's stable file), alerts to /dev/null,
# interleaved over ROUNDS rounds (the order of the modes turns each round);
# prints the median per workload and mode, the ratios to none and to floor,
# the spread of the rounds ((max-min)/median) and the tracer's processor use.
# Workloads:
#   getppid    a getppid loop (ns per call; no rule needs getppid)
#   openclose  an open+close loop of a file (ns per call; both are events)
#   files      tar | gzip, find, grep -r, tar x, rm -r over a copy of Go's
#              source tree on a tmpfs (seconds)
#   redis      redis-benchmark -t set,get -n REDIS_N -c 50 against a
#              redis-server on 127.0.0.1 (seconds, and requests/s)
# Usage: sudo bench/overhead.sh [ROUNDS] [ITERATIONS]   (default 5, 2000000)
# Environment: WORKLOADS, MODES (subsets, space separated), REDIS_N
# (default 200000), SRC (tree for the file workload, default $(go env
# GOROOT)/src), PEREGRINE (agent binary), RULES.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
need_root
rounds=${1:-5}
iters=${2:-2000000}
workloads=${WORKLOADS:-getppid openclose files redis}
modes=${MODES:-none floor filtered all run}
redis_n=${REDIS_N:-200000}
tmp=$(mktemp -d)
redis=""
cleanup() {
  stop_agent
  if [ -n "$redis" ]; then kill "$redis" 2> /dev/null || true; wait "$redis" 2> /dev/null || true; fi
  mountpoint -q "$tmp/fs" 2> /dev/null && umount "$tmp/fs"
  rm -rf "$tmp"
}
trap cleanup EXIT

build_tools
echo x > "$tmp/file"
case " $workloads " in *" files "*)
  mkdir "$tmp/fs"
  mount -t tmpfs -o size=2g peregrine-bench "$tmp/fs"
  cp -r "${SRC:-$(go env GOROOT)/src}" "$tmp/fs/src"
  ;;
esac
case " $workloads " in *" redis "*)
  apt_need redis-server redis-server
  apt_need redis-benchmark redis-tools
  port=$((20000 + RANDOM % 20000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --protected-mode no --daemonize no > "$tmp/redis.log" 2>&1 &
  redis=$!
  for _ in $(seq 100); do redis-cli -p "$port" ping > /dev/null 2>&1 && break; sleep 0.05; done
  ;;
esac

# files_workload: the realistic file workload, on the tmpfs.
files_workload() (
  cd "$tmp/fs"
  tar cf - src | gzip -1 > src.tgz
  find src -type f -name '*.go' | wc -l > /dev/null
  grep -rl 'func main' src | wc -l > /dev/null
  mkdir x && tar xzf src.tgz -C x
  rm -rf x src.tgz
)

# measure WORKLOAD: prints "value extra..." for one run.
measure() {
  case $1 in
  getppid) "$tmp/loop" getppid "$iters" ;;
  openclose) "$tmp/loop" openclose "$((iters / 4))" "$tmp/file" ;;
  files)
    local s=$EPOCHREALTIME
    files_workload
    echo "$EPOCHREALTIME $s" | awk '{printf "%.3f\n", $1 - $2}'
    ;;
  redis)
    local s=$EPOCHREALTIME
    redis-benchmark -h 127.0.0.1 -p "$port" -q -t set,get -n "$redis_n" -c 50 --csv > "$tmp/redis.csv"
    local e=$EPOCHREALTIME
    awk -F'"' -v w="$(echo "$e $s" | awk '{printf "%.3f", $1 - $2}')" \
      '$2 == "SET" {set = $4} $2 == "GET" {get = $4} END {print w, set, get}' "$tmp/redis.csv"
    ;;
  esac
}

echo "overhead: $rounds rounds; workloads: $workloads; modes: $modes" >&2
nmodes=$(echo $modes | wc -w)
: > "$tmp/results"
for r in $(seq "$rounds"); do
  read -r links pressure < <(wait_quiet 15)
  echo "round $r: $links foreign BPF links on the system call tracepoints, cpu pressure avg10 $pressure% at its start" >> "$tmp/notes"
  # turn the order of the modes each round
  order=$(echo $modes | tr ' ' '\n' | awk -v k=$(( (r - 1) % nmodes )) -v n="$nmodes" \
    '{a[NR - 1] = $0} END {for (i = 0; i < n; i++) printf "%s ", a[(i + k) % n]}')
  for m in $order; do
    start_agent "$m" "$tmp/agent.$m.$r.log"
    for w in $workloads; do
      t0=0; [ -n "$agent" ] && t0=$(cpu_ticks "$agent")
      s=$EPOCHREALTIME
      out=$(measure "$w")
      e=$EPOCHREALTIME
      cpu=0; rss=0; hwm=0
      if [ -n "$agent" ]; then
        t1=$(cpu_ticks "$agent")
        cpu=$(echo "$t0 $t1 $s $e $(getconf CLK_TCK)" | awk '{printf "%.1f", 100 * ($2 - $1) / $5 / ($4 - $3)}')
        rss=$(mem_kb "$agent" VmRSS); hwm=$(mem_kb "$agent" VmHWM)
      fi
      echo "$w $m $r $out cpu=$cpu rss=$rss hwm=$hwm" >> "$tmp/results"
    done
    stop_agent
    echo "round $r $m done" >&2
  done
done

value() { awk -v w="$1" -v m="$2" -v c="$3" '$1 == w && $2 == m {v = $c; sub(/^[a-z]+=/, "", v); print v}' "$tmp/results"; }
echo
echo "Overhead: medians of $rounds interleaved rounds (spread = (max-min)/median over the rounds)."
echo "agent cpu = the tracer's or agent's processor time during the workload, % of one core (median)."
printf "%-10s %-9s %12s %8s %8s %8s %9s %10s\n" workload mode median unit "x none" "x floor" spread "agent cpu"
for w in $workloads; do
  unit=s; case $w in getppid | openclose) unit=ns/call ;; esac
  read -r none _ < <(value "$w" none 4 | median_spread)
  read -r floor _ < <(value "$w" floor 4 | median_spread)
  for m in $modes; do
    read -r v sp < <(value "$w" "$m" 4 | median_spread)
    col=5; [ "$w" = redis ] && col=7
    read -r cpu _ < <(value "$w" "$m" $col | median_spread)
    awk -v w="$w" -v m="$m" -v v="$v" -v u="$unit" -v n="$none" -v f="$floor" -v sp="$sp" -v c="$cpu" 'BEGIN {
      xn = (n + 0 > 0) ? sprintf("%.3f", v / n) : "-"
      xf = (f + 0 > 0) ? sprintf("%.3f", v / f) : "-"
      printf "%-10s %-9s %12.3f %8s %8s %8s %8s%% %9s%%\n", w, m, v, u, xn, xf, sp, (m == "none") ? "-" : c
    }'
  done
done
if case " $workloads " in *" redis "*) true ;; *) false ;; esac; then
  echo
  echo "redis-benchmark -t set,get -n $redis_n -c 50 on 127.0.0.1: requests/s (median), agent memory"
  printf "%-9s %12s %12s %8s %8s %12s %12s\n" mode SET GET "x none" "x floor" "RSS MB" "peak RSS MB"
  read -r nset _ < <(value redis none 5 | median_spread)
  read -r fset _ < <(value redis floor 5 | median_spread)
  for m in $modes; do
    read -r set _ < <(value redis "$m" 5 | median_spread)
    read -r get _ < <(value redis "$m" 6 | median_spread)
    read -r rss _ < <(value redis "$m" 8 | median_spread)
    hwm=$(value redis "$m" 9 | sort -n | tail -1)
    awk -v m="$m" -v s="$set" -v g="$get" -v n="$nset" -v f="$fset" -v r="$rss" -v h="$hwm" 'BEGIN {
      printf "%-9s %12.0f %12.0f %8.3f %8.3f %12.1f %12.1f\n", m, s, g, (n > 0) ? n / s : 0, (f > 0) ? f / s : 0, r / 1024, h / 1024
    }'
  done
  echo "(x none / x floor here: requests/s of none or floor divided by this mode's, for SET: >1 is slower)"
fi
if case " $modes " in *" run "*) true ;; *) false ;; esac; then
  echo
  echo "peregrine run, its summary in each round (all workloads of the round):"
  for r in $(seq "$rounds"); do
    echo "  round $r: $(grep '^peregrine: [0-9]' "$tmp/agent.run.$r.log" | sed 's/^peregrine: //')"
  done
fi
echo
echo "machine: $(nproc) cores, $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(the machine is shared: before each round the script waits up to 15 s for no other tracer"
echo " and a processor pressure from others under 5%; what it found:)"
cat "$tmp/notes"
exit 0
