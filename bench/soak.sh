#!/usr/bin/env bash
# The soak (bench/run.sh --soak): sessiond under mixed load for a while, to see that nothing grows
# or slows. Verify at half the capacity measured first, logins (Argon2id), session creations and
# per-user revocations, and 10,000 WebSockets held open with some closing and reconnecting
# every second, on the embedded store. Reports, minute by minute, verify p99 and req/s, errors,
# and the heap after a full GC (taken between minutes, while only the sockets run); then the
# heap's slope over the run. Not part of the test suite.
#
#   bench/run.sh --soak [--minutes N] [--quick] [--no-build] [--out FILE]
#   (--quick: 2 minutes, 500 sockets, to try the soak itself)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
MINUTES=10; SOCKETS=10000; CHURN=50; build=1; out=""; quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --soak) ;;
    --quick) quick=1; MINUTES=2; SOCKETS=500; CHURN=10 ;;
    --minutes) MINUTES="$2"; shift ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
out="${out:-$root/sessiond-bench/target/soak.md}"
SLICE=60; [ "$quick" = 1 ] && SLICE=30
CONNECTIONS=64; DURATION="${SLICE}s"; RUNS=1
hard="$(ulimit -Hn)"
[ "$hard" = unlimited ] || [ "$hard" -ge $((SOCKETS + 2000)) ] || { echo "soak: the hard open-file limit $hard is below $((SOCKETS + 2000))" >&2; exit 1; }
ulimit -Sn "$hard"

if [ "$build" = 1 ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$root/sessiond-server/target/sessiond.jar"
BENCH_JAR="$root/sessiond-bench/target/sessiond-bench.jar"
work="$(mktemp -d /tmp/sessiond-soak.XXXXXX)"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap cleanup EXIT

API_TOKEN="soak-api-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export API_TOKEN
java -Xmx1g -jar "$BENCH_JAR" populate "$work/data" 100000 100000 "$work/tokens" 100000 0 >&2
head -n "$SOCKETS" "$work/tokens" > "$work/socket-tokens"
tail -n +"$((SOCKETS + 1))" "$work/tokens" > "$work/verify-tokens"
PORT="$(free_port)"
java -Xms1g -Xmx1g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$PORT" --data-dir "$work/data" \
  --admin-password soak-admin-password --api-token "$API_TOKEN" --session-idle-timeout 20h --session-max-lifetime 23h \
  >"$work/server.out" 2>"$work/server.err" &
SERVER_PID=$!; pids+=("$SERVER_PID")
wait_http "http://127.0.0.1:$PORT/ready" 120
heap_after_gc() {
  jcmd "$SERVER_PID" GC.run >/dev/null
  curl -s -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$PORT/metrics" \
    | awk '/^jvm_memory_used_bytes/ && /area="heap"/ {s+=$NF} END {printf "%d\n", s}'
}
curl -s -o /dev/null -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password-0123"}' "http://127.0.0.1:$PORT/api/members"

# Capacity first: verify flat out (after a warm-up), then half of it, paced.
export TOKENS_FILE="$work/verify-tokens"
DURATION=10s wrk_measure "$SERVER_PID" -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami" >/dev/null
read -r capacity _ < <(DURATION=10s wrk_measure "$SERVER_PID" -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami")
target="$(awk -v c="$capacity" 'BEGIN {printf "%d", c / 2}')"
# Each connection waits 10 ms between answers, so connections * 100 is about the rate.
VERIFY_CONNECTIONS="$(awk -v t="$target" 'BEGIN {c = int(t / 100 + 0.5); print (c < 1) ? 1 : c}')"
echo "soak: capacity $capacity req/s; verifying at about $target req/s ($VERIFY_CONNECTIONS connections, 10 ms apart) for $MINUTES minutes" >&2

java -Xmx1g -jar "$BENCH_JAR" ws churn "$PORT" "$API_TOKEN" "$work/socket-tokens" "$SOCKETS" "$((MINUTES * SLICE + 60))" "$CHURN" \
  "$((SOCKETS / 20000 + 1))" > "$work/churn.out" 2>"$work/churn.err" &
churn_pid=$!; pids+=("$churn_pid")
sleep 5
heap0="$(heap_after_gc)"
: > "$work/slices"
for minute in $(seq "$MINUTES"); do
  DELAY_MS=10 CONNECTIONS=4 WRK_THREADS=1 wrk_measure "" -s "$here/soak-writes.lua" "http://127.0.0.1:$PORT/" > "$work/writes" &
  writes_pid=$!
  CONNECTIONS=1 WRK_THREADS=1 wrk_measure "" --timeout 10s -s "$here/login.lua" "http://127.0.0.1:$PORT/api/login" > "$work/logins" &
  logins_pid=$!
  read -r rps p99 cpu _ verify_errors < <(DELAY_MS=10 CONNECTIONS="$VERIFY_CONNECTIONS" wrk_measure "$SERVER_PID" \
    -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami")
  wait "$writes_pid" "$logins_pid"
  read -r writes_rps _ _ _ writes_errors < "$work/writes"
  read -r logins_rps _ _ _ logins_errors < "$work/logins"
  heap="$(heap_after_gc)"
  echo "$minute $rps $p99 $cpu $verify_errors $writes_rps $writes_errors $logins_rps $logins_errors $heap" >> "$work/slices"
  echo "soak: minute $minute: verify $rps req/s p99 $p99 ms, writes $writes_rps/s, logins $logins_rps/s, errors $((verify_errors + writes_errors + logins_errors)), heap $((heap / 1048576)) MB" >&2
done
kill "$churn_pid" 2>/dev/null || true
wait "$churn_pid" 2>/dev/null || true
churn="$(grep ws.churn "$work/churn.out" || echo "ws.churn errors=unknown")"

# Least-squares slope of the heap after GC against the minute, in KB per minute.
slope="$(awk '{n++; x+=$1; y+=$10; xx+=$1*$1; xy+=$1*$10} END {d = n*xx - x*x; printf "%.1f", (d == 0) ? 0 : (n*xy - x*y) / d / 1024}' "$work/slices")"
errors="$(awk '{s += $5 + $7 + $9} END {print s + 0}' "$work/slices")"
{
  echo "# Soak"
  echo
  echo "Produced by \`bench/run.sh --soak$([ "$quick" = 1 ] && echo " --quick")\` on $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(java -version 2>&1 | head -1)."
  echo "Embedded store with 100,000 sessions; verify capacity measured first: $capacity req/s; then for $MINUTES"
  echo "slices of $SLICE s: verify paced at about half of it ($VERIFY_CONNECTIONS connections, 10 ms between requests),"
  echo "session creations and per-user revocations (4 connections, 10 ms apart; users soak-1..1000), logins"
  echo "(1 connection, Argon2id), and $SOCKETS WebSockets held open throughout, $CHURN a second closed and reopened."
  echo "Heap after a full GC is taken between slices."
  echo
  echo "| slice | verify req/s | verify p99 ms | server CPU µs/verify | writes/s | logins/s | errors (verify/writes/logins) | heap after GC MB |"
  echo "|---|---|---|---|---|---|---|---|"
  awk '{printf "| %d | %s | %s | %s | %s | %s | %d/%d/%d | %.1f |\n", $1, $2, $3, $4, $6, $8, $5, $7, $9, $10 / 1048576}' "$work/slices"
  echo
  echo "| result | value |"
  echo "|---|---|"
  echo "| heap after GC, slope (least squares over the slices) | $slope KB per minute (start $((heap0 / 1048576)) MB) |"
  echo "| verify p99, first slice → last | $(head -n1 "$work/slices" | awk '{print $3}') ms → $(tail -n1 "$work/slices" | awk '{print $3}') ms |"
  echo "| HTTP errors (non-2xx answers and socket errors incl. timeouts: 2 s for verify and writes, 10 s for logins) | $errors |"
  echo "| WebSocket churn: reconnects, errors (failed connects, closes nobody asked for) | $(field "$churn" reconnects), $(field "$churn" errors) |"
} > "$out"
echo "soak: wrote $out" >&2
cat "$out"
