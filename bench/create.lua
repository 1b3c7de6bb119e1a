-- wrk script: POST /api/sessions for new users ("c<RUN>-<thread>-<n>") until this thread has made
-- its share of LEFT (env) creations, then GET /health (which touches no store). Each answer's
-- "<id> <token>" is appended to TOKENS_OUT.<thread>, the file format whoami.lua reads. Needs API_TOKEN.
local threads = 0
local headers = {}
local counter, quota, out = 0, 0, nil
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  headers["Authorization"] = "Bearer " .. os.getenv("API_TOKEN")
  headers["Content-Type"] = "application/json"
  quota = math.ceil(tonumber(os.getenv("LEFT")) / tonumber(os.getenv("THREADS") or "1"))
  out = io.open(os.getenv("TOKENS_OUT") .. "." .. tid, "a")
end
function request()
  counter = counter + 1
  if counter > quota then
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/api/sessions", headers,
    '{"user_id":"c' .. os.getenv("RUN") .. '-' .. tid .. '-' .. counter .. '"}')
end
function response(status, headers, body)
  local id, token = body:match('"id":"([^"]+)".-"token":"([^"]+)"')
  if not id then
    token, id = body:match('"token":"([^"]+)".-"id":"([^"]+)"')
  end
  if id and token then
    out:write(id .. " " .. token .. "\n")
    out:flush()
  end
end
