#!/usr/bin/env bash
# Benchmarks sessiond against this machine's HTTP ceiling (nginx serving a static file of the
# same size as a whoami answer) and measures the scenarios of docs/benchmarks.md.
#
#   bench/run.sh            full sizes; rewrites docs/benchmarks.md
#   bench/run.sh --quick    toy sizes, under two minutes; writes target/bench-quick.md (the test suite runs this)
#   options: --no-build (use the jars already built), --out FILE
#
# Everything runs on 127.0.0.1 with bounded counts and durations; every process started here is
# stopped by PID on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
quick=0; build=1; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --out) out="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  SESSIONS=2000; VERIFY_TOKENS=1000; SOCKETS=200; ROUNDS=20; DURATION=2s; RUNS=1; HEAVY=100
  out="${out:-$root/sessiond-bench/target/bench-quick.md}"
else
  SESSIONS=1000000; VERIFY_TOKENS=100000; SOCKETS=10000; ROUNDS=200; DURATION=10s; RUNS=3; HEAVY=1000
  out="${out:-$root/docs/benchmarks.md}"
fi
CONNECTIONS=64

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx; then
  echo "bench: installing wrk and nginx from Debian packages" >&2
  (apt-get update -qq && apt-get install -y -qq wrk nginx-light) >/dev/null
fi
if [ "$build" = 1 ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
SERVER_JAR="$root/sessiond-server/target/sessiond.jar"
BENCH_JAR="$root/sessiond-bench/target/sessiond-bench.jar"

work="$(mktemp -d /tmp/sessiond-bench.XXXXXX)"
chmod 755 "$work"   # nginx workers run as an unprivileged user
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
wait_http() { # url, seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -fs -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: $1 did not answer" >&2; exit 1; }
    sleep 0.05
  done
}
# wrk prints "Requests/sec: N" and, with --latency, "99% Xms"; prints "rps p99_ms".
wrk_run() {
  local output
  output="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")"
  local rps p99
  rps="$(echo "$output" | awk '/Requests\/sec:/ {print $2}')"
  p99="$(echo "$output" | awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}')"
  echo "$rps $p99"
}
metric_heap() { curl -s -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$PORT/metrics" \
  | awk '/^jvm_memory_used_bytes/ && /area="heap"/ {s+=$NF} END {printf "%d\n", s}'; }
gc_heap() { jcmd "$SERVER_PID" GC.run >/dev/null; jcmd "$SERVER_PID" GC.run >/dev/null; metric_heap; }
time_ms() { curl -s -o /dev/null -w '%{time_total}\n' "$@" | awk '{printf "%.2f\n", $1*1000}'; }

API_TOKEN="bench-api-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(java -version 2>&1 | head -1), $(uname -r)"
started="$(date -u +%Y-%m-%dT%H:%MZ)"

echo "bench: populating $SESSIONS sessions (+$HEAVY for heavy-user)" >&2
java -Xmx2g -jar "$BENCH_JAR" populate "$work/data" "$SESSIONS" "$SESSIONS" "$work/tokens" "$((SOCKETS + 1 > VERIFY_TOKENS ? SOCKETS + 1 : VERIFY_TOKENS))" "$HEAVY" >&2
head -n "$VERIFY_TOKENS" "$work/tokens" > "$work/verify-tokens"

PORT="$(free_port)"
t0="$(now_ms)"
java -Xms4g -Xmx4g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$PORT" --data-dir "$work/data" \
  --admin-password bench-admin-password --api-token "$API_TOKEN" --session-idle-timeout 20h --session-max-lifetime 23h \
  >"$work/server.out" 2>"$work/server.err" &
SERVER_PID=$!; pids+=("$SERVER_PID")
wait_http "http://127.0.0.1:$PORT/ready" 120
restart_ms=$(( $(now_ms) - t0 ))
echo "bench: sessiond ready in $restart_ms ms with $((SESSIONS + HEAVY)) sessions" >&2

heap_loaded="$(gc_heap)"

# --- verify vs the nginx ceiling -------------------------------------------------------------
one="$(head -n1 "$work/verify-tokens" | cut -d' ' -f2)"
curl -s -H "Authorization: Bearer $one" "http://127.0.0.1:$PORT/api/whoami" > "$work/whoami.json"
size=$(stat -c %s "$work/whoami.json")
mkdir -p "$work/nginx/html/api" "$work/nginx/logs"
# Same path and same wrk script as sessiond: the client does the same work for both.
python3 -c "import sys; sys.stdout.write(\"x\" * $size)" > "$work/nginx/html/api/whoami"
NGINX_PORT="$(free_port)"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  keepalive_requests 100000000;
  server { listen 127.0.0.1:$NGINX_PORT; root $work/nginx/html; }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=("$!")
wait_http "http://127.0.0.1:$NGINX_PORT/api/whoami" 10

export TOKENS_FILE="$work/verify-tokens"
wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami" >/dev/null   # warm-up
wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/whoami.lua" "http://127.0.0.1:$NGINX_PORT/api/whoami" >/dev/null
: > "$work/verify"; : > "$work/nginx.rps"
for _ in $(seq "$RUNS"); do
  wrk_run -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami" >> "$work/verify"
  wrk_run -s "$here/whoami.lua" "http://127.0.0.1:$NGINX_PORT/api/whoami" >> "$work/nginx.rps"
done
verify_rps="$(awk '{print $1}' "$work/verify" | median)"; verify_p99="$(awk '{print $2}' "$work/verify" | median)"
nginx_rps="$(awk '{print $1}' "$work/nginx.rps" | median)"; nginx_p99="$(awk '{print $2}' "$work/nginx.rps" | median)"
ratio="$(awk -v a="$verify_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a/b}')"

# --- login (Argon2id) while verify runs ------------------------------------------------------
curl -s -o /dev/null -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password-0123"}' "http://127.0.0.1:$PORT/api/members"
wrk -t1 -c4 -d"$DURATION" -s "$here/login.lua" "http://127.0.0.1:$PORT/api/login" > "$work/login.out" &
login_pid=$!; pids+=("$login_pid")
read -r mixed_rps mixed_p99 < <(wrk_run -s "$here/whoami.lua" "http://127.0.0.1:$PORT/api/whoami")
wait "$login_pid" || true
logins="$(awk '/Requests\/sec:/ {print $2}' "$work/login.out")"
p99_rise="$(awk -v a="$mixed_p99" -v b="$verify_p99" 'BEGIN {printf "%.2f", a/b}')"

# --- listing -----------------------------------------------------------------------------------
auth=(-H "Authorization: Bearer $API_TOKEN")
deep_after="$(sed -n "$((VERIFY_TOKENS / 2))p" "$work/tokens" | cut -d' ' -f1)"
: > "$work/first"; : > "$work/deep"
for _ in 1 2 3 4 5; do
  time_ms "${auth[@]}" "http://127.0.0.1:$PORT/api/sessions?limit=100" >> "$work/first"
  time_ms "${auth[@]}" "http://127.0.0.1:$PORT/api/sessions?limit=100&after=$deep_after" >> "$work/deep"
done
first_ms="$(median < "$work/first")"; deep_ms="$(median < "$work/deep")"

heap_before_users="$(gc_heap)"
users_ms="$(time_ms "${auth[@]}" "http://127.0.0.1:$PORT/sessions")"
heap_after_users="$(metric_heap)"
users_count="$(curl -s "${auth[@]}" "http://127.0.0.1:$PORT/sessions" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
users_growth_mb="$(awk -v a="$heap_after_users" -v b="$heap_before_users" 'BEGIN {printf "%.1f", (a-b)/1048576}')"

heavy_ms="$(time_ms -X DELETE "${auth[@]}" "http://127.0.0.1:$PORT/sessions/heavy-user")"

# --- live connections, then clear-all with every socket open -----------------------------------
java -Xmx1g -jar "$BENCH_JAR" ws "$PORT" "$API_TOKEN" "$work/tokens" "$SOCKETS" "$ROUNDS" "$SERVER_PID" > "$work/ws.out"
cat "$work/ws.out" >&2
alone="$(grep 'ws.disconnect alone' "$work/ws.out")"
loaded="$(grep 'ws.disconnect with_' "$work/ws.out")"
per_socket="$(grep -o 'heap_per_socket_bytes=[0-9-]*' "$work/ws.out" | cut -d= -f2)"
clear_line="$(grep 'ws.clear' "$work/ws.out")"
field() { echo "$1" | grep -o "$2=[^ ]*" | cut -d= -f2; }

heap_empty="$(gc_heap)"
per_session="$(awk -v a="$heap_loaded" -v b="$heap_empty" -v n="$((SESSIONS + HEAVY))" 'BEGIN {printf "%d", (a-b)/n}')"

# --- Redis: two sessiond nodes on one redis-server -----------------------------------------------
kill "$SERVER_PID" 2>/dev/null || true
command -v redis-server >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null
REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=("$!")
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.05; done
used() { redis-cli -p "$REDIS_PORT" info memory | awk -F: '/^used_memory:/ {print $2}' | tr -d '\r'; }
mem0="$(used)"
java -Xmx2g -jar "$BENCH_JAR" populate "redis://127.0.0.1:$REDIS_PORT" "$SESSIONS" "$SESSIONS" "$work/rtokens" "$VERIFY_TOKENS" >&2
mem1="$(used)"
redis_per_session=$(( (mem1 - mem0) / SESSIONS ))
start_node() { # port
  java -Xmx1g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$1" --store redis --redis-uri "redis://127.0.0.1:$REDIS_PORT" \
    --admin-password bench-admin-password --api-token "$API_TOKEN" --session-idle-timeout 20h --session-max-lifetime 23h \
    >"$work/node-$1.out" 2>"$work/node-$1.err" &
  pids+=("$!")
  wait_http "http://127.0.0.1:$1/ready" 60
}
PORT_A="$(free_port)"; start_node "$PORT_A"
PORT_B="$(free_port)"; start_node "$PORT_B"
export TOKENS_FILE="$work/rtokens"
wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/whoami.lua" "http://127.0.0.1:$PORT_A/api/whoami" >/dev/null
: > "$work/rverify"
for _ in $(seq "$RUNS"); do
  wrk_run -s "$here/whoami.lua" "http://127.0.0.1:$PORT_A/api/whoami" >> "$work/rverify"
done
redis_rps="$(awk '{print $1}' "$work/rverify" | median)"; redis_p99="$(awk '{print $2}' "$work/rverify" | median)"
redis_vs_embedded="$(awk -v a="$redis_rps" -v b="$verify_rps" 'BEGIN {printf "%.2f", a/b}')"
java -Xmx512m -jar "$BENCH_JAR" ws cross "$PORT_A" "$PORT_B" "$API_TOKEN" "$work/rtokens" "$ROUNDS" > "$work/cross.out"
cross="$(cat "$work/cross.out")"

# The Spring Session peer on the same Redis (bench/peer.sh builds and starts it).
peer_rps="n/a"; peer_p99="n/a"; embedded_vs_peer="n/a"; redis_vs_peer="n/a"
if [ -x "$here/peer.sh" ] || [ -f "$here/peer.sh" ]; then
  PEER_PORT="$(free_port)"
  peer_pid="$(bash "$here/peer.sh" "$REDIS_PORT" "$PEER_PORT" "$VERIFY_TOKENS" "$work/ptokens" | tail -n1)"
  pids+=("$peer_pid")
  export TOKENS_FILE="$work/ptokens"
  wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/xauth.lua" "http://127.0.0.1:$PEER_PORT/whoami" >/dev/null
  : > "$work/peer"
  for _ in $(seq "$RUNS"); do
    wrk_run -s "$here/xauth.lua" "http://127.0.0.1:$PEER_PORT/whoami" >> "$work/peer"
  done
  peer_rps="$(awk '{print $1}' "$work/peer" | median)"; peer_p99="$(awk '{print $2}' "$work/peer" | median)"
  embedded_vs_peer="$(awk -v a="$verify_rps" -v b="$peer_rps" 'BEGIN {printf "%.2f", a/b}')"
  redis_vs_peer="$(awk -v a="$redis_rps" -v b="$peer_rps" 'BEGIN {printf "%.2f", a/b}')"
  kill "$peer_pid" 2>/dev/null || true
fi

redis_clear_ms="$(curl -s -o "$work/rclear.json" -w '%{time_total}\n' -X POST "${auth[@]}" "http://127.0.0.1:$PORT_A/sessions/clear" | awk '{printf "%.2f\n", $1*1000}')"
redis_clear_answer="$(cat "$work/rclear.json")"

# --- the report --------------------------------------------------------------------------------
mark() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { ok = (dir=="le") ? (v<=t) : (v>=t); print ok ? "met" : "**missed**" }'; }
cat > "$out" <<MD
# Benchmarks

Produced by \`bench/run.sh$([ "$quick" = 1 ] && echo " --quick")\` on $started.
Machine: $machine. Everything (server, load tool, references) shares these cores, so ratios
measured in one run are the figures to compare; absolute numbers drift with the machine's load.
Sizes: $((SESSIONS + HEAVY)) sessions ($SESSIONS users + heavy-user with $HEAVY), verify draws from
$VERIFY_TOKENS tokens, wrk -t2 -c$CONNECTIONS -d$DURATION, median of $RUNS runs after a warm-up.

## Verify (GET /api/whoami, bearer token, keep-alive)

| scenario | sessiond | reference | ratio | target |
|---|---|---|---|---|
| verify req/s vs nginx serving a static file of the same size ($size bytes), same wrk script | $verify_rps (p99 $verify_p99 ms) | nginx $nginx_rps (p99 $nginx_p99 ms) | $ratio | ≥ 0.75: $(mark "$ratio" 0.75 ge) |
| verify p99 while logins run (Argon2id, 4 connections) | p99 $mixed_p99 ms, $mixed_rps req/s | alone p99 $verify_p99 ms | $p99_rise × | < 2 ×: $(mark "$p99_rise" 2 le) |
| logins/s during that run | $logins | | | reported |
| verify vs the Spring Session peer (Spring Boot + spring-session-data-redis, X-Auth-Token) | $verify_rps | peer $peer_rps (p99 $peer_p99 ms) | $embedded_vs_peer | ≥ 5: $( [ "$peer_rps" = n/a ] && echo "not run" || mark "$embedded_vs_peer" 5 ge) |
| verify on the Redis store vs the same peer on the same Redis | $redis_rps (p99 $redis_p99 ms) | peer $peer_rps | $redis_vs_peer | ≥ 2: $( [ "$peer_rps" = n/a ] && echo "not run" || mark "$redis_vs_peer" 2 ge) |

## Embedded store at size

| scenario | result | target |
|---|---|---|
| restart: start to /ready with $((SESSIONS + HEAVY)) persisted sessions | $restart_ms ms | ≤ 5000 ms: $(mark "$restart_ms" 5000 le) |
| heap per live session (after GC, loaded minus empty) | $per_session bytes | ≤ 400: $(mark "$per_session" 400 le) |
| GET /api/sessions?limit=100, first page | $first_ms ms | ≤ 20: $(mark "$first_ms" 20 le) |
| GET /api/sessions?limit=100, deep page (after the ${VERIFY_TOKENS}/2-th ID) | $deep_ms ms | ≤ 20: $(mark "$deep_ms" 20 le) |
| GET /sessions, $users_count users, streamed | $users_ms ms, heap +$users_growth_mb MB (no GC between) | < 64 MB: $(mark "$users_growth_mb" 64 le) |
| DELETE /sessions/heavy-user ($HEAVY sessions among all) | $heavy_ms ms | ≤ 10: $(mark "$heavy_ms" 10 le) |
| POST /sessions/clear, every session, $(field "$clear_line" sockets) sockets open: answer | $(field "$clear_line" http_ms) ms, $(field "$clear_line" answer) | ≤ 1000: $(mark "$(field "$clear_line" http_ms)" 1000 le) |

## Live connections

| scenario | result | target |
|---|---|---|
| open sockets, heap per socket (after GC) | $(field "$clear_line" sockets) sockets, $per_socket bytes each | reported |
| disconnect call to close seen by the client, alone | p50 $(field "$alone" p50_ms) ms, p99 $(field "$alone" p99_ms) ms | |
| same with $SOCKETS sockets open | p50 $(field "$loaded" p50_ms) ms, p99 $(field "$loaded" p99_ms) ms | p99 < 20: $(mark "$(field "$loaded" p99_ms)" 20 le) |
| POST /sessions/clear until the last of $(field "$clear_line" sockets) sockets saw its close | $(field "$clear_line" all_closed_ms) ms | reported |

## Redis store (two sessiond nodes, one redis-server, \`--save "" --appendonly no\`)

| scenario | result | target |
|---|---|---|
| verify req/s on Redis vs embedded, same run | $redis_rps vs $verify_rps: $redis_vs_embedded × | reported |
| Redis memory per session (INFO used_memory over $SESSIONS sessions) | $redis_per_session bytes | reported |
| POST /sessions/clear of $SESSIONS sessions on Redis | $redis_clear_ms ms, $redis_clear_answer | fast, exact |
| cross-node disconnect: call on node A to the close on a socket held by node B | p50 $(field "$cross" p50_ms) ms, p99 $(field "$cross" p99_ms) ms | reported |

Commands: \`bench/run.sh\` (see its header); micro-benchmarks: \`java -jar sessiond-bench/target/sessiond-bench.jar jmh\`.
MD
echo "bench: wrote $out" >&2
cat "$out"
