-- wrk script: GET /api/whoami with a bearer token drawn at random from TOKENS_FILE
-- (lines "<sessionId> <token>"), so every request verifies a different live session; WRK_PATH
-- (optional) asks another path with the same header (an app guarded by sessiond).
-- DELAY_MS (optional) makes each connection wait that long between requests (a paced load).
local tokens = {}
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then delay = function() return pause end end
init = function(args)
  local path = os.getenv("TOKENS_FILE")
  for line in io.lines(path) do
    local token = line:match("^%S+%s+(%S+)$")
    if token then tokens[#tokens + 1] = token end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local token = tokens[math.random(#tokens)]
  return wrk.format("GET", os.getenv("WRK_PATH") or "/api/whoami", { ["Authorization"] = "Bearer " .. token })
end
