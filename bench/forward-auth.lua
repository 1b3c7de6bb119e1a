-- wrk script: GET FA_PATH (default /api/forward-auth) with the session cookie of a token drawn
-- at random from TOKENS_FILE (lines "<sessionId> <token>"), as a proxy's auth check carries it.
local tokens = {}
local path = os.getenv("FA_PATH") or "/api/forward-auth"
init = function(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    local token = line:match("^%S+%s+(%S+)$")
    if token then tokens[#tokens + 1] = token end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", path, { ["Cookie"] = "sessiond_session=" .. tokens[math.random(#tokens)] })
end
