-- wrk script for the Spring Session peer: X-Auth-Token drawn at random from TOKENS_FILE.
local tokens = {}
init = function(args)
  for line in io.lines(os.getenv("TOKENS_FILE")) do
    local token = line:match("^%S+%s+(%S+)$")
    if token then tokens[#tokens + 1] = token end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  return wrk.format("GET", "/whoami", { ["X-Auth-Token"] = tokens[math.random(#tokens)] })
end
