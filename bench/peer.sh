#!/usr/bin/env bash
# Starts the Spring Session peer for bench/run.sh:
#   bench/peer.sh <redis-port> <http-port> <sessions> <tokens-file>
# builds it if needed, creates <sessions> sessions in that Redis, starts it on <http-port> in the
# background, waits until it answers, and prints its PID as the last line. The caller stops it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/peers/spring-session"
redis_port="$1"; http_port="$2"; sessions="$3"; tokens="$4"
if [ ! -f "$here/target/peer.jar" ]; then
  (cd "$here" && mvn -B -q -DskipTests package) >&2
fi
common=(--spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$redis_port")
java -Xmx1g -jar "$here/target/peer.jar" "${common[@]}" --server.port=0 \
  --populate="$sessions" --tokens-file="$tokens" >&2
java -Xms1g -Xmx1g -jar "$here/target/peer.jar" "${common[@]}" --server.port="$http_port" >"$tokens.peer.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/whoami" || true)"
  [ "$code" = 401 ] && { echo "$pid"; exit 0; }
  kill -0 "$pid" 2>/dev/null || { echo "peer exited: $(cat "$tokens.peer.log")" >&2; exit 1; }
  sleep 0.1
done
echo "peer did not answer in 60 s" >&2
kill "$pid"
exit 1
