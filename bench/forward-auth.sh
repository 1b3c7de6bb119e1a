# Forward auth, measured. Sourced by bench/run.sh after the verify rows, while its sessiond
# ($SERVER_PID on $PORT, cookies from $TOKENS_FILE) and the static nginx ($NGINX_PIDS on
# $NGINX_PORT, serving /api/whoami) run; uses lib.sh. Two rows:
# - server CPU per forward-auth check against nginx serving a static file, alternated in the
#   same runs (wrk_measure);
# - the latency the auth subrequest adds through nginx: docs/forward-auth/nginx.conf (the forward-auth guide's)
#   (docs/forward-auth/nginx.conf, its ports replaced) in front of the static nginx, against the
#   same nginx proxying without auth_request, one connection, sequential requests.
FA="Forward auth (GET /api/forward-auth with the session cookie, keep-alive)"
section "$FA" "| scenario | sessiond | reference | ratio | target |"
export FA_PATH=/api/forward-auth
wrk -t2 -c"$CONNECTIONS" -d2s -s "$here/forward-auth.lua" "http://127.0.0.1:$PORT/api/forward-auth" >/dev/null   # warm-up
: > "$work/fa"; : > "$work/fa-nginx"
for _ in $(seq "$RUNS"); do
  wrk_measure "$SERVER_PID" -s "$here/forward-auth.lua" "http://127.0.0.1:$PORT/api/forward-auth" >> "$work/fa"
  wrk_measure "$NGINX_PIDS" -s "$here/whoami.lua" "http://127.0.0.1:$NGINX_PORT/api/whoami" >> "$work/fa-nginx"
done
fa_col() { awk -v c="$2" '{print $c}' "$1" | median; }
fa_rps="$(fa_col "$work/fa" 1)"; fa_p99="$(fa_col "$work/fa" 2)"; fa_cpu="$(fa_col "$work/fa" 3)"
fa_errors="$(awk '{s += $5} END {print s + 0}' "$work/fa")"
fa_nginx_rps="$(fa_col "$work/fa-nginx" 1)"; fa_nginx_cpu="$(fa_col "$work/fa-nginx" 3)"
row "$FA" "| forward-auth checks/s ($fa_errors non-200) vs nginx serving a static file, alternated runs | $fa_rps (p99 $fa_p99 ms) | nginx $fa_nginx_rps | $(ratio "$fa_rps" "$fa_nginx_rps") | reported |"
row "$FA" "| server CPU per forward-auth check (user+system / requests), same runs | $fa_cpu µs | nginx static $fa_nginx_cpu µs | $(ratio "$fa_nginx_cpu" "$fa_cpu") of nginx's efficiency | reported |"

# nginx with docs/forward-auth/nginx.conf in front of the static nginx, and a twin server without auth.
fa_dir="$work/fa-proxy"; mkdir -p "$fa_dir/tmp" "$fa_dir/logs"; chmod -R 777 "$fa_dir"
FA_AUTH_PORT="$(free_port)"; FA_PLAIN_PORT="$(free_port)"
sed -e "s/listen 80;/listen 127.0.0.1:$FA_AUTH_PORT;/" -e "s/127.0.0.1:9091/127.0.0.1:$PORT/" \
  -e "s/127.0.0.1:3000/127.0.0.1:$NGINX_PORT/" "$root/docs/forward-auth/nginx.conf" > "$fa_dir/app.conf"
cat > "$fa_dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $fa_dir/nginx.pid;
error_log $fa_dir/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $fa_dir/tmp/body; proxy_temp_path $fa_dir/tmp/proxy; fastcgi_temp_path $fa_dir/tmp/fastcgi;
  uwsgi_temp_path $fa_dir/tmp/uwsgi; scgi_temp_path $fa_dir/tmp/scgi;
  include $fa_dir/app.conf;
  server { listen 127.0.0.1:$FA_PLAIN_PORT; location / { proxy_set_header Host \$host; proxy_pass http://127.0.0.1:$NGINX_PORT; } }
}
CONF
nginx -p "$fa_dir" -c "$fa_dir/nginx.conf" -e "$fa_dir/logs/error.log" &
pids+=("$!")
wait_http "http://127.0.0.1:$FA_PLAIN_PORT/api/whoami" 10
export FA_PATH=/api/whoami
# One connection, one request at a time: latency, not throughput. Prints "p50_ms p99_ms non2xx".
fa_latency() {
  wrk -t1 -c1 -d"$DURATION" --latency -s "$here/forward-auth.lua" "$1" | awk '
    function ms(v) { if (v ~ /us$/) {sub(/us/, "", v); return v / 1000} if (v ~ /ms$/) {sub(/ms/, "", v); return v} sub(/s/, "", v); return v * 1000 }
    $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)} /Non-2xx or 3xx responses:/ {bad = $NF}
    END {printf "%.3f %.3f %d\n", p50, p99, bad + 0}'
}
fa_latency "http://127.0.0.1:$FA_PLAIN_PORT/api/whoami" >/dev/null   # warm-up
fa_latency "http://127.0.0.1:$FA_AUTH_PORT/api/whoami" >/dev/null
: > "$work/fa-auth"; : > "$work/fa-plain"
for _ in $(seq "$RUNS"); do
  fa_latency "http://127.0.0.1:$FA_AUTH_PORT/api/whoami" >> "$work/fa-auth"
  fa_latency "http://127.0.0.1:$FA_PLAIN_PORT/api/whoami" >> "$work/fa-plain"
done
fa_auth_p50="$(fa_col "$work/fa-auth" 1)"; fa_auth_p99="$(fa_col "$work/fa-auth" 2)"
fa_auth_bad="$(awk '{s += $3} END {print s + 0}' "$work/fa-auth")"
fa_plain_p50="$(fa_col "$work/fa-plain" 1)"; fa_plain_p99="$(fa_col "$work/fa-plain" 2)"
fa_extra="$(awk -v a="$fa_auth_p50" -v b="$fa_plain_p50" 'BEGIN {printf "%.3f", a - b}')"
row "$FA" "| extra latency of the auth subrequest through nginx (README config, 1 connection, sequential; $fa_auth_bad refused) | p50 $fa_auth_p50 ms, p99 $fa_auth_p99 ms with auth_request | p50 $fa_plain_p50 ms, p99 $fa_plain_p99 ms without | +$fa_extra ms at p50 | reported |"
export FA_PATH=/api/forward-auth
