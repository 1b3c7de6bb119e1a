# What the event log costs: this build against the previous release's jar, in the same run.
# Sourced by bench/run.sh (uses lib.sh, $API_TOKEN, $work, $RUNS, $DURATION, $CONNECTIONS).
# Each jar runs on a fresh embedded store (the previous one has no log; this one writes each
# change's event in the change's SQLite transaction), alternated run by run:
# - creations and revocations, alternating (bench/churn.lua): requests/s and server CPU per request;
# - verification (GET /api/whoami over 200 sessions): requests/s and server CPU per request.
# The previous release is built from git (PREVIOUS_COMMIT, default the last landing before the log),
# or taken from PREVIOUS_JAR. Skipped with a row saying so when neither can be had.
PREV="The event log's cost (embedded store, this build against the previous release)"
PREV="${PREV_TITLE:-$PREV}"
section "$PREV" "| scenario | this build | previous release | ratio | target |"
PREVIOUS_COMMIT="${PREVIOUS_COMMIT:-94381c4}"
prev_jar="${PREVIOUS_JAR:-}"
if [ -z "$prev_jar" ] && git -C "$root" cat-file -e "$PREVIOUS_COMMIT^{commit}" 2>/dev/null; then
  mkdir -p "$work/prev-src"
  git -C "$root" archive "$PREVIOUS_COMMIT" | tar -x -C "$work/prev-src"
  if (cd "$work/prev-src" && mvn -B -q -DskipTests package -pl sessiond-server -am) >"$work/prev-build.log" 2>&1; then
    prev_jar="$work/prev-src/sessiond-server/target/sessiond.jar"
  fi
fi
if [ -z "$prev_jar" ] || [ ! -f "$prev_jar" ]; then
  row "$PREV" "| (not measured: the previous release $PREVIOUS_COMMIT could not be built here) | | | | |"
else
  prev_start() { # jar, name -> prints "pid port"
    local port; port="$(free_port)"
    java -Xms1g -Xmx1g -jar "$1" serve --host 127.0.0.1 --port "$port" --data-dir "$work/prev-data-$2" \
      --admin-password bench-admin-password --api-token "$API_TOKEN" >"$work/prev-$2.out" 2>"$work/prev-$2.err" &
    echo "$! $port"
  }
  read -r cur_pid cur_port < <(prev_start "$SERVER_JAR" current)
  read -r old_pid old_port < <(prev_start "$prev_jar" previous)
  pids+=("$cur_pid" "$old_pid")
  wait_http "http://127.0.0.1:$cur_port/ready" 60
  wait_http "http://127.0.0.1:$old_port/ready" 60
  for port in "$cur_port" "$old_port"; do
    for i in $(seq 200); do
      curl -s -H "Authorization: Bearer $API_TOKEN" "http://127.0.0.1:$port/api/sessions" -d "{\"user_id\":\"v-$i\"}" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["token"])'
    done > "$work/prev-tokens-$port"
    API_TOKEN="$API_TOKEN" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$here/churn.lua" "http://127.0.0.1:$port" >/dev/null   # warm-up
    TOKENS_FILE="$work/prev-tokens-$port" wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -s "$here/whoami.lua" "http://127.0.0.1:$port" >/dev/null
  done
  : > "$work/prev-churn-cur"; : > "$work/prev-churn-old"; : > "$work/prev-verify-cur"; : > "$work/prev-verify-old"
  for _ in $(seq "$RUNS"); do
    API_TOKEN="$API_TOKEN" wrk_measure "$cur_pid" -s "$here/churn.lua" "http://127.0.0.1:$cur_port" >> "$work/prev-churn-cur"
    API_TOKEN="$API_TOKEN" wrk_measure "$old_pid" -s "$here/churn.lua" "http://127.0.0.1:$old_port" >> "$work/prev-churn-old"
    TOKENS_FILE="$work/prev-tokens-$cur_port" wrk_measure "$cur_pid" -s "$here/whoami.lua" "http://127.0.0.1:$cur_port" >> "$work/prev-verify-cur"
    TOKENS_FILE="$work/prev-tokens-$old_port" wrk_measure "$old_pid" -s "$here/whoami.lua" "http://127.0.0.1:$old_port" >> "$work/prev-verify-old"
  done
  kill "$cur_pid" "$old_pid" 2>/dev/null || true
  pcol() { awk -v c="$2" '{print $c}' "$work/prev-$1" | median; }
  perr() { awk '{s += $5} END {print s + 0}' "$work/prev-$1"; }
  row "$PREV" "| creations + revocations, alternating (churn.lua): requests/s ($(perr churn-cur) / $(perr churn-old) errors) | $(pcol churn-cur 1) (p99 $(pcol churn-cur 2) ms) | $(pcol churn-old 1) (p99 $(pcol churn-old 2) ms) | $(ratio "$(pcol churn-cur 1)" "$(pcol churn-old 1)") | reported |"
  row "$PREV" "| server CPU per creation or revocation | $(pcol churn-cur 3) µs | $(pcol churn-old 3) µs | $(ratio "$(pcol churn-cur 3)" "$(pcol churn-old 3)") × | reported |"
  row "$PREV" "| verify requests/s, 200 sessions | $(pcol verify-cur 1) (p99 $(pcol verify-cur 2) ms) | $(pcol verify-old 1) (p99 $(pcol verify-old 2) ms) | $(ratio "$(pcol verify-cur 1)" "$(pcol verify-old 1)") | reported |"
  row "$PREV" "| server CPU per verify | $(pcol verify-cur 3) µs | $(pcol verify-old 3) µs | $(ratio "$(pcol verify-cur 3)" "$(pcol verify-old 3)") × | ≤ 1.05 ×: $(mark "$(ratio "$(pcol verify-cur 3)" "$(pcol verify-old 3)")" 1.05 le) |"
fi
