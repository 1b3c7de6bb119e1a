# A Sentinel failover, measured: how long a sessiond node answers 503 when the Redis master is
# SIGKILLed. Sourced by bench/run.sh after the Redis rows (uses its $work, $pids, $SERVER_JAR,
# $API_TOKEN and lib.sh); not run on its own. Starts a master, two replicas and three Sentinels
# (redis-server --sentinel, down-after-milliseconds 1000, quorum 2) and one sessiond node on
# the Sentinel URI with --redis-wait-replicas 1, probes verify and create every ~20 ms with curl,
# kills the master, and reports the time from the kill to the first success after the last 503.
FAILOVER="Failover (Sentinel: a master, two replicas, three Sentinels; \`down-after-milliseconds 1000\`; one node, \`--redis-wait-replicas 1\`)"
section "$FAILOVER" "| scenario | result | target |"
fo="$work/failover"; mkdir -p "$fo"
fo_master="$(free_port)"
redis-server --port "$fo_master" --bind 127.0.0.1 --save "" --appendonly no --dir "$fo" >"$fo/master.log" 2>&1 &
fo_master_pid=$!; pids+=("$fo_master_pid")
until redis-cli -p "$fo_master" ping >/dev/null 2>&1; do sleep 0.05; done
for i in 1 2; do
  p="$(free_port)"
  redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --dir "$fo" --replicaof 127.0.0.1 "$fo_master" \
    >"$fo/replica-$i.log" 2>&1 &
  pids+=("$!")
done
fo_sentinels=()
for i in 1 2 3; do
  p="$(free_port)"
  printf 'port %s\nbind 127.0.0.1\nprotected-mode no\ndir %s\nsentinel monitor sd 127.0.0.1 %s 2\nsentinel down-after-milliseconds sd 1000\nsentinel failover-timeout sd 10000\n' \
    "$p" "$fo" "$fo_master" > "$fo/sentinel-$i.conf"
  redis-server "$fo/sentinel-$i.conf" --sentinel >"$fo/sentinel-$i.log" 2>&1 &
  pids+=("$!"); fo_sentinels+=("$p")
done
sentinel_knows() { # port: the Sentinel sees both replicas and the two other Sentinels
  redis-cli -p "$1" sentinel master sd 2>/dev/null | paste - - \
    | awk '$1=="num-slaves" && $2>=2 {s=1} $1=="num-other-sentinels" && $2>=2 {o=1} END {exit !(s && o)}'
}
deadline=$(( $(date +%s) + 60 ))
for p in "${fo_sentinels[@]}"; do
  until sentinel_knows "$p"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the Sentinels never saw the whole group" >&2; exit 1; }
    sleep 0.1
  done
done
fo_uri="redis-sentinel://127.0.0.1:${fo_sentinels[0]},127.0.0.1:${fo_sentinels[1]},127.0.0.1:${fo_sentinels[2]}#sd"
FO_PORT="$(free_port)"
java -Xmx512m -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$FO_PORT" --store redis --redis-uri "$fo_uri" \
  --redis-wait-replicas 1 --admin-password bench-admin-password --api-token "$API_TOKEN" \
  >"$fo/node.out" 2>"$fo/node.err" &
pids+=("$!")
wait_http "http://127.0.0.1:$FO_PORT/ready" 60
fo_token="$(curl -s -X POST -H "Authorization: Bearer $API_TOKEN" -H 'Content-Type: application/json' \
  -d '{"user_id":"failover"}' "http://127.0.0.1:$FO_PORT/api/sessions" | sed 's/.*"token":"\([^"]*\)".*/\1/')"
fo_probe() { # kind: verify | create; one request about every 20 ms until $fo/stop exists
  local code
  while [ ! -f "$fo/stop" ]; do
    if [ "$1" = verify ]; then
      code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' -H "Authorization: Bearer $fo_token" "http://127.0.0.1:$FO_PORT/api/whoami" || true)"
    else
      code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' -X POST -H "Authorization: Bearer $API_TOKEN" \
        -H 'Content-Type: application/json' -d '{"user_id":"failover-probe"}' "http://127.0.0.1:$FO_PORT/api/sessions" || true)"
    fi
    echo "$(now_ms) $1 $code" >> "$fo/probe"
    sleep 0.02
  done
}
fo_probe verify & pids+=("$!")
fo_probe create & pids+=("$!")
fo_settle=2; [ "${quick:-0}" = 1 ] && fo_settle=1
sleep "$fo_settle"
fo_killed="$(now_ms)"
{ kill -9 "$fo_master_pid"; wait "$fo_master_pid"; } 2>/dev/null || true
fo_promoted=""
deadline=$(( $(date +%s) + 60 ))
while [ -z "$fo_promoted" ]; do
  m="$(redis-cli -p "${fo_sentinels[0]}" sentinel get-master-addr-by-name sd 2>/dev/null | tail -n1)"
  [ -n "$m" ] && [ "$m" != "$fo_master" ] && fo_promoted="$(now_ms)"
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: no replica was promoted" >&2; exit 1; }
  sleep 0.02
done
until curl -fs -o /dev/null "http://127.0.0.1:$FO_PORT/ready"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the node never became ready after the failover" >&2; exit 1; }
  sleep 0.02
done
fo_ready="$(now_ms)"
sleep $((fo_settle + 1))
touch "$fo/stop"; sleep 0.5
fo_window() { # kind ok-code: ms from the kill to the first success after the last failure
  awk -v k="$1" -v ok="$2" -v t0="$fo_killed" '$2==k && $1>=t0 { if ($3!=ok) {bad=$1; good=0} else if (bad && !good) good=$1 }
    END {print (bad && good) ? good - t0 : (bad ? "never" : 0)}' "$fo/probe"
}
fo_verify="$(fo_window verify 200)"; fo_create="$(fo_window create 201)"
fo_failed="$(awk -v t0="$fo_killed" '$1>=t0 && $3!=200 && $3!=201 {n[$3]++} END {for (c in n) printf "%s×%s ", n[c], c}' "$fo/probe")"
row "$FAILOVER" "| master SIGKILLed: Sentinel promotes a replica | $((fo_promoted - fo_killed)) ms after the kill | reported |"
row "$FAILOVER" "| verify (GET /api/whoami) answers 503, from the kill to the first 200 after | $fo_verify ms (/ready 200 again $((fo_ready - fo_killed)) ms after the kill) | ≤ down-after + 2000: $(mark "$fo_verify" 3000 le) |"
row "$FAILOVER" "| creation (POST /api/sessions, WAIT 1) answers 503, from the kill to the first 201 after | $fo_create ms | ≤ down-after + 3000: $(mark "$fo_create" 4000 le) |"
row "$FAILOVER" "| answers other than 200/201 after the kill (never a 200 for a wrong token; only 503) | ${fo_failed:-none} | only 503 |"
