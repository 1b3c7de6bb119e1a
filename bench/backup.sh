#!/usr/bin/env bash
# `sessiond backup` beside a server on a populated embedded store: how long the copy takes, how
# big it is, and what it does to the server's writes (wrk POST /api/sessions, 20 s with a backup
# 5 s into it, against 20 s without). Prints markdown rows for docs/benchmarks.md.
# Usage: bench/backup.sh [SESSIONS] (default 1000000); needs the jars: mvn -B -DskipTests package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
SESSIONS="${1:-1000000}"; CONNECTIONS=16; DURATION=20s
SERVER_JAR="$root/sessiond-server/target/sessiond.jar"
BENCH_JAR="$root/sessiond-bench/target/sessiond-bench.jar"
command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
work="$(mktemp -d /tmp/sessiond-backup-bench.XXXXXX)"
. "$here/lib.sh"
trap cleanup EXIT
API_TOKEN="bench-api-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export API_TOKEN

echo "bench: populating $SESSIONS sessions" >&2
java -Xmx2g -jar "$BENCH_JAR" populate "$work/data" "$SESSIONS" "$SESSIONS" "$work/tokens" 1 >&2
PORT="$(free_port)"
java -Xmx2g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$PORT" --data-dir "$work/data" \
  --api-token "$API_TOKEN" --admin-password bench-admin-password >"$work/server.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$PORT/health" 300
db_mb="$(du -m "$work/data/sessiond.db" | cut -f1)"

backup() { # to; prints the ms the command took (JVM start included) and its own line
  local start; start="$(now_ms)"
  java -jar "$SERVER_JAR" backup --data-dir "$work/data" --to "$1" >"$1.out"
  echo "$(( $(now_ms) - start ))"
}
writes() { # label; wrk POST /api/sessions for $DURATION, prints "req/s p50 p99" (ms)
  LEFT=100000000 THREADS=2 RUN="$1" TOKENS_OUT="$work/created-$1" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$here/create.lua" "http://127.0.0.1:$PORT" >"$work/wrk-$1.txt"
  awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print r, p50, p99}' "$work/wrk-$1.txt"
}

idle_ms="$(backup "$work/idle.db")"
DURATION=10s writes warmup >/dev/null   # the JIT's first pass over the creation path is no one's cost
idle_line="$(cat "$work/idle.db.out")"
quiet="$(writes quiet)"
writes during >"$work/during.txt" &
wrk_pid=$!; pids+=("$wrk_pid")
sleep 5
busy_ms="$(backup "$work/busy.db")"
busy_line="$(cat "$work/busy.db.out")"
wait "$wrk_pid"
during="$(cat "$work/during.txt")"
backup_mb="$(du -m "$work/busy.db" | cut -f1)"

echo "bench: idle: $idle_line" >&2
echo "bench: under writes: $busy_line" >&2
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1); command: bench/backup.sh $SESSIONS"
echo
echo "| scenario | result |"
echo "|---|---|"
echo "| \`sessiond backup\` of $SESSIONS sessions ($db_mb MB database), server idle | $idle_ms ms for the command (JVM start included), $(echo "$idle_line" | grep -oE 'in [0-9]+ ms' | tr -dc 0-9) ms of it copying, checking and counting |"
echo "| same, while wrk creates sessions ($CONNECTIONS connections) | $busy_ms ms, $(echo "$busy_line" | grep -oE 'in [0-9]+ ms' | tr -dc 0-9) ms of it copying, checking and counting; backup file $backup_mb MB |"
echo "| creations without a backup: req/s, p50, p99 | $(echo "$quiet" | awk '{print $1 " req/s, " $2 ", " $3}') |"
echo "| creations with a backup 5 s into the 20 s: req/s, p50, p99 | $(echo "$during" | awk '{print $1 " req/s, " $2 ", " $3}') |"
