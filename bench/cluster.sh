# shellcheck shell=bash
# Sourced by bench/run.sh in a subshell, "$(. cluster.sh)" (uses its lib.sh helpers, $work, $here,
# $SERVER_JAR, $API_TOKEN, $CONNECTIONS); stops what it started, by PID, when that subshell ends.
# A 3-master Redis Cluster on 127.0.0.1 and one sessiond on it: CLUSTER_CREATE sessions created
# through sessiond (wrk, bench/create.lua), then CLUSTER_VERIFY verifications (wrk, whoami.lua,
# stopped at the count); for each phase, each master's share of the commands it executed
# (INFO commandstats deltas, the INFO calls themselves not counted). Prints
# "cshare=<a>/<b>/<c> vshare=<a>/<b>/<c> ctop=<busiest %> vtop=<busiest %> created=<n> verified=<n>".
# A free port whose cluster bus port (+10000) is free too, both below the ephemeral range (see
# free_port in lib.sh).
cluster_port() {
  python3 -c 'import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
while True:
    p = random.randint(10000, low - 10001)
    try:
        for q in (p, p + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        print(p); break
    except OSError:
        pass'
}
cluster_ports=(); cluster_pids=()
trap 'kill "${cluster_pids[@]}" 2>/dev/null || true' EXIT
for _ in 1 2 3; do
  p="$(cluster_port)"; cluster_ports+=("$p")
  mkdir -p "$work/cluster-$p"
  redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --cluster-enabled yes \
    --cluster-config-file "nodes-$p.conf" --cluster-node-timeout 5000 --dir "$work/cluster-$p" >"$work/cluster-$p.log" 2>&1 &
  cluster_pids+=("$!")
done
for p in "${cluster_ports[@]}"; do
  deadline=$(( $(date +%s) + 20 ))
  until redis-cli -p "$p" ping >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: redis-server on $p did not start" >&2; exit 1; }
    sleep 0.05
  done
done
redis-cli --cluster create "${cluster_ports[@]/#/127.0.0.1:}" --cluster-yes >"$work/cluster-create.log" 2>&1
for p in "${cluster_ports[@]}"; do
  until redis-cli -p "$p" cluster info | grep -q cluster_state:ok; do sleep 0.1; done
done
commands() { # port: commands executed so far, INFO itself excluded
  redis-cli -p "$1" info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ && $1 != "cmdstat_info" {s += $3} END {print s + 0}'
}
snapshot() { local out=() p; for p in "${cluster_ports[@]}"; do out+=("$(commands "$p")"); done; echo "${out[*]}"; }
shares() { # "before" "after": percentages of the deltas, and the busiest
  awk -v a="$1" -v b="$2" 'BEGIN {n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) {d[i] = y[i] - x[i]; t += d[i]}
    for (i = 1; i <= n; i++) {p = (t > 0) ? 100 * d[i] / t : 0; s = s (i > 1 ? "/" : "") sprintf("%.1f", p); if (p > m) m = p}
    printf "%s %.1f\n", s, m}'
}
CLUSTER_PORT="$(free_port)"
seeds="$(printf 'redis://127.0.0.1:%s,' "${cluster_ports[@]}")"
java -Xmx1g -jar "$SERVER_JAR" serve --host 127.0.0.1 --port "$CLUSTER_PORT" --store redis --redis-cluster-uri "${seeds%,}" \
  --admin-password bench-admin-password --api-token "$API_TOKEN" --session-idle-timeout 20h --session-max-lifetime 23h \
  >"$work/cluster-node.out" 2>"$work/cluster-node.err" &
CLUSTER_NODE_PID=$!; cluster_pids+=("$CLUSTER_NODE_PID")
wait_http "http://127.0.0.1:$CLUSTER_PORT/ready" 60
rm -f "$work/ctokens".*
s0="$(snapshot)"
run=0
while :; do
  made="$(cat "$work/ctokens".* 2>/dev/null | wc -l || true)"
  [ "$made" -ge "$CLUSTER_CREATE" ] || [ "$run" -ge 200 ] && break
  run=$((run + 1))
  API_TOKEN="$API_TOKEN" RUN="$run" LEFT="$((CLUSTER_CREATE - made))" THREADS=2 TOKENS_OUT="$work/ctokens" \
    wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/create.lua" "http://127.0.0.1:$CLUSTER_PORT/" >/dev/null
done
s1="$(snapshot)"
cat "$work/ctokens".* > "$work/ctokens"
verified=0; runs=0
while [ "$verified" -lt "$CLUSTER_VERIFY" ] && [ "$runs" -lt 200 ]; do
  runs=$((runs + 1))
  n="$(TOKENS_FILE="$work/ctokens" wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/whoami.lua" "http://127.0.0.1:$CLUSTER_PORT/api/whoami" \
    | awk '/ requests in / {print $1}')"
  verified=$((verified + ${n:-0}))
done
s2="$(snapshot)"
read -r create_shares create_busiest < <(shares "$s0" "$s1")
read -r verify_shares verify_busiest < <(shares "$s1" "$s2")
echo "cshare=$create_shares vshare=$verify_shares ctop=$create_busiest vtop=$verify_busiest created=$made verified=$verified"
