# Functions bench/run.sh and bench/soak.sh share; sourced, not run. Expects $work (a scratch
# directory) and $CONNECTIONS, $DURATION to be set by the caller.
#
# Adding a row to the report: measure, then
#   section "Title of its table" "| scenario | result | target |"   # once; a no-op if it exists
#   row "Title of its table" "| what | $value | ≤ 10: $(mark "$value" 10 le) |"
# Tables come out in the order their sections were first named; rows in the order added.
# Server CPU per request: wrk_measure "<pids>" <wrk args> (see below) beside nginx's.

# Processes the script started go in pids; on exit each is stopped by PID (TERM, then KILL) and
# $work is removed. The caller sets the trap: trap cleanup EXIT
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

# A free port below the kernel's ephemeral range: one that bind(0) hands out may be taken by any
# outgoing connection before the server binds it (CI once lost the Spring Boot peer so). The
# ports handed out in this run are remembered, so two servers never get the same one.
free_port() {
  python3 - "$work/ports" <<'PY'
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
used = set(open(sys.argv[1]).read().split()) if __import__("os").path.exists(sys.argv[1]) else set()
for _ in range(500):
    port = random.randrange(10000, low - 1)
    if str(port) in used:
        continue
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    open(sys.argv[1], "a").write(f"{port}\n")
    print(port)
    sys.exit(0)
sys.exit("bench: no free port below the ephemeral range")
PY
}
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
wait_http() { # url, seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fs -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: $1 did not answer" >&2; exit 1; }
    sleep 0.05
  done
}
time_ms() { curl -s -o /dev/null -w '%{time_total}\n' "$@" | awk '{printf "%.2f\n", $1*1000}'; }
# "met" or "**missed**": mark value target le|ge
mark() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir=="le") ? (v<=t) : (v>=t); print ok ? "met" : "**missed**" }'; }
# a/b with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b == 0) ? 0 : a/b}'; }
# key=value from a "k1=v1 k2=v2" line: field "$line" key
field() { echo " $1" | grep -oE " $2=[^ ]*" | head -n1 | cut -d= -f2; }   # the key itself, not one ending in it

CLK_TCK="$(getconf CLK_TCK)"
# user + system CPU time of processes, in clock ticks (fields 14 and 15 of /proc/<pid>/stat,
# counted after the command name, which may hold spaces). cpu_ticks pid...
cpu_ticks() {
  local total=0 p
  for p in "$@"; do
    total=$(( total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}') ))
  done
  echo "$total"
}
# A process and its children (nginx's master and workers): pid_tree pid
pid_tree() { echo "$1 $(ps -o pid= --ppid "$1" | tr '\n' ' ')"; }

# Runs wrk once with --latency and the given arguments while counting the CPU time of the
# server processes; prints "rps p99_ms cpu_us_per_request requests errors".
# errors = non-2xx/3xx answers + socket errors (connect, read, write, timeout).
# WRK_THREADS (default 2) and DURATION, CONNECTIONS choose the load.
# wrk_measure "<server pids>" <wrk arguments...>
wrk_measure() {
  local pids="$1"; shift
  local before after output
  # shellcheck disable=SC2086
  before="$(cpu_ticks $pids)"
  output="$(wrk -t"${WRK_THREADS:-2}" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")"
  # shellcheck disable=SC2086
  after="$(cpu_ticks $pids)"
  echo "$output" | awk -v ticks="$((after - before))" -v hz="$CLK_TCK" '
    /Requests\/sec:/ {rps = $2}
    / requests in / {requests = $1}
    /Non-2xx or 3xx responses:/ {errors += $NF}
    /Socket errors:/ {gsub(/,/, ""); errors += $4 + $6 + $8 + $10}
    $1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v = v / 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v = v * 1000}; p99 = v}
    END {printf "%s %s %.2f %d %d\n", rps, p99, (requests > 0) ? ticks * 1e6 / hz / requests : 0, requests, errors + 0}'
}
# Minor page faults of processes so far (field 10 of /proc/<pid>/stat): min_faults pid...
min_faults() {
  local total=0 p
  for p in "$@"; do
    total=$(( total + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $8}') ))
  done
  echo "$total"
}

# Warms a server up until its heap has reached its working size, after $WARMUP for the JIT. Under
# load G1 keeps growing the young generation for tens of seconds, and each new region's pages are
# faulted in by the kernel once: by hand (1M sessions, -Xms4g) 0.4 to 0.9 minor faults and 5 to 10 µs
# more CPU per request for about 30 s, then none. Runs wrk in 5 s steps until a step takes fewer than
# 0.01 faults per request (at most $HEAP_WARMUP_MAX seconds, default 90), and prints
# "seconds cpu_us_per_request_of_the_first_step faults_per_request_of_the_first_step steady|capped".
# warm_until_steady <server pid> <wrk arguments...>
warm_until_steady() {
  local pid="$1"; shift
  local waited=0 first="" line f0 f1 faults
  wrk -t"${WRK_THREADS:-2}" -c"$CONNECTIONS" -d"$WARMUP" "$@" >/dev/null
  while [ "$waited" -lt "${HEAP_WARMUP_MAX:-90}" ]; do
    f0="$(min_faults "$pid")"
    line="$(DURATION=5s wrk_measure "$pid" "$@")"
    f1="$(min_faults "$pid")"
    waited=$(( waited + 5 ))
    faults="$(awk -v f=$(( f1 - f0 )) -v n="$(echo "$line" | cut -d' ' -f4)" 'BEGIN {printf "%.3f", (n > 0) ? f / n : 0}')"
    [ -n "$first" ] || first="$(echo "$line" | cut -d' ' -f3) $faults"
    if awk -v f="$faults" 'BEGIN {exit !(f < 0.01)}'; then
      echo "$waited $first steady"
      return 0
    fi
  done
  echo "$waited $first capped"
}

# Runs wrk_measure $RUNS times into a file and prints the medians "rps p99_ms cpu_us_per_request errors_total".
# wrk_median <file> "<server pids>" <wrk arguments...>
wrk_median() {
  local file="$1"; shift
  : > "$file"
  for _ in $(seq "$RUNS"); do wrk_measure "$@" >> "$file"; done
  echo "$(awk '{print $1}' "$file" | median) $(awk '{print $2}' "$file" | median) $(awk '{print $3}' "$file" | median) $(awk '{s += $5} END {print s + 0}' "$file")"
}

# --- the report: tables of rows, assembled at the end -----------------------------------------
mkdir -p "$work/report"
: > "$work/report/order"
slug() { echo "$1" | tr -c 'A-Za-z0-9\n' '_'; }
# section "Title" "| header | cells |" ["paragraph under the title"]
section() {
  local f; f="$work/report/$(slug "$1")"
  [ -f "$f" ] && return 0
  echo "$1" >> "$work/report/order"
  {
    echo "## $1"
    echo
    [ -n "${3:-}" ] && { echo "$3"; echo; }
    echo "$2"
    echo "$2" | sed 's/[^|]\+/---/g'
  } > "$f"
}
# row "Title" "| cells |"
row() {
  local f; f="$work/report/$(slug "$1")"
  [ -f "$f" ] || { echo "bench: row for unknown section '$1'" >&2; exit 1; }
  echo "$2" >> "$f"
}
# The sections, in order, each followed by a blank line.
report_tables() {
  while IFS= read -r title; do
    cat "$work/report/$(slug "$title")"
    echo
  done < "$work/report/order"
}
