#!/usr/bin/env bash
# The Java client's benchmarks (issue 23), each beside its reference, in one run:
#   1. JMH: a cache hit (client.verify of a cached token) beside its floor (SHA-256 of the token
#      and a map lookup) and beside verifying a JWT with Nimbus (RS256, ES256); ns/op and bytes
#      allocated per op (-prof gc).
#   2. Revocation to refusal: p50/p99 over N revocations, one node (embedded) and node A to a
#      client of node B on a Redis this script starts.
#   3. Memory per cached session (heap after GC), 1, 2 and 3 sessions per user.
#   4. An app under wrk: embedded Jetty with the client's filter, and the same app calling
#      GET /api/whoami on every request; req/s and CPU per request of the app and of sessiond.
# Prints the rows as Markdown (and keeps them in sessiond-bench/target/client-bench.md).
# Usage: bench/client.sh [--quick]   (needs mvn package first; wrk and redis-server installed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
source "$root/bench/lib.sh"
trap cleanup EXIT
quick=0; [ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" = 1 ]; then N=100; DURATION=3s; JMH="-wi 1 -i 2 -w 1 -r 1"; MEM=20000; else N=1000; DURATION=10s; JMH=""; MEM=200000; fi
CONNECTIONS=32
SERVER_JAR="$root/sessiond-server/target/sessiond.jar"
BENCH_JAR="$root/sessiond-bench/target/sessiond-bench.jar"
out="$root/sessiond-bench/target/client-bench.md"
: > "$out"
say() { echo "$*" | tee -a "$out"; }

say "Measured on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%Y-%m-%dT%H:%MZ), \`bench/client.sh$([ "$quick" = 1 ] && echo " --quick")\` at $(git -C "$root" rev-parse --short HEAD)."
say ""

# 1. JMH
java -jar "$BENCH_JAR" jmh ClientHitBench $JMH -prof gc -rf json -rff "$work/jmh.json" > "$work/jmh.txt" 2>&1 || { cat "$work/jmh.txt"; exit 1; }
python3 - "$work/jmh.json" <<'PY' | tee -a "$out"
import json, sys
rows = {}
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[1]
    ns = r["primaryMetric"]["score"]
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score", float("nan"))
    rows[name] = (ns, alloc)
floor = rows["floorSha256AndMapLookup"][0]
rs = rows["nimbusRs256"][0]
print("| verify | ns/op | bytes allocated/op | vs floor | RS256 / this |")
print("|---|---|---|---|---|")
for name, label in [("clientHit", "client cache hit"), ("floorSha256AndMapLookup", "floor: SHA-256 + map lookup"),
                    ("nimbusEs256", "Nimbus JWT, ES256"), ("nimbusRs256", "Nimbus JWT, RS256 (2048)")]:
    ns, alloc = rows[name]
    print(f"| {label} | {ns:,.0f} | {alloc:,.0f} | {ns / floor:.2f} × | {rs / ns:,.1f} × |")
PY
say ""

# 2. Revocation to refusal
REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
pids+=($!)
sleep 0.5
say "- $(java -Xmx1g -cp "$BENCH_JAR" dev.sessiond.bench.ClientRevocationBench "$N" 2>/dev/null | grep '^revocation')"
say "- $(java -Xmx1g -cp "$BENCH_JAR" dev.sessiond.bench.ClientRevocationBench "$N" "redis://127.0.0.1:$REDIS_PORT" 2>/dev/null | grep '^revocation')"

# 3. Memory
for per in 1 2 3; do
  say "- $(java -Xmx2g -cp "$BENCH_JAR" dev.sessiond.client.ClientMemory "$MEM" "$per")"
done
say ""

# 4. The app under wrk
PORT="$(free_port)"; TOKEN="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
java -Xmx1g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$PORT" --data-dir "$work/data" --api-token "$TOKEN" \
  --admin-password bench-admin-password > "$work/server.log" 2>&1 &
spid=$!; pids+=($spid)
wait_http "http://127.0.0.1:$PORT/ready" 120
: > "$work/tokens"
for i in $(seq 1 1000); do
  curl -s -X POST "http://127.0.0.1:$PORT/api/sessions" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d "{\"user_id\":\"app:$i\"}" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["token"])' >> "$work/tokens"
done
KEY="$(curl -s -X POST "http://127.0.0.1:$PORT/api/keys" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -d '{"name":"bench","scopes":["verify"]}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')"
say "| app (embedded Jetty, GET /hello) | req/s | p99 ms | app CPU µs/req | sessiond CPU µs/req | errors |"
say "|---|---|---|---|---|---|"
for mode in filter whoami; do
  APORT="$(free_port)"
  java -Xmx1g -cp "$BENCH_JAR" dev.sessiond.bench.ClientAppBench "$mode" "http://127.0.0.1:$PORT" "$KEY" "$APORT" > "$work/app-$mode.log" 2>&1 &
  apid=$!; pids+=($apid)
  for _ in $(seq 1 100); do grep -q "app listening" "$work/app-$mode.log" && break; sleep 0.2; done
  TOKENS_FILE="$work/tokens" WRK_PATH=/hello wrk -t2 -c"$CONNECTIONS" -d"$DURATION" -s "$root/bench/whoami.lua" "http://127.0.0.1:$APORT" > /dev/null
  a0="$(cpu_ticks "$apid")"; s0="$(cpu_ticks "$spid")"
  result="$(TOKENS_FILE="$work/tokens" WRK_PATH=/hello wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$root/bench/whoami.lua" "http://127.0.0.1:$APORT")"
  a1="$(cpu_ticks "$apid")"; s1="$(cpu_ticks "$spid")"
  echo "$result" | awk -v a="$((a1 - a0))" -v s="$((s1 - s0))" -v hz="$CLK_TCK" -v mode="$mode" '
    /Requests\/sec:/ {rps = $2}
    / requests in / {requests = $1}
    /Non-2xx or 3xx responses:/ {errors += $NF}
    /Socket errors:/ {gsub(/,/, ""); errors += $4 + $6 + $8 + $10}
    $1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us/, "", v); v = v / 1000} else if (v ~ /ms$/) {sub(/ms/, "", v)} else if (v ~ /s$/) {sub(/s/, "", v); v = v * 1000}; p99 = v}
    END {label = (mode == "filter") ? "with the client'"'"'s filter" : "calling whoami on every request";
         printf "| %s | %s | %.2f | %.1f | %.1f | %d |\n", label, rps, p99, a * 1e6 / hz / requests, s * 1e6 / hz / requests, errors + 0}' | tee -a "$out"
  kill "$apid"; wait "$apid" 2>/dev/null || true
done
