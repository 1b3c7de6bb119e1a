-- wrk script for the soak: creates sessions for users soak-1..soak-1000 (POST /api/sessions) and,
-- one request in ten, ends every session of one of them (DELETE /sessions/soak-<k>). API_TOKEN
-- from the environment; DELAY_MS (optional) paces each connection.
local api = os.getenv("API_TOKEN")
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then delay = function() return pause end end
init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
request = function()
  local k = math.random(1000)
  if math.random(10) == 1 then
    return wrk.format("DELETE", "/sessions/soak-" .. k, { ["Authorization"] = "Bearer " .. api })
  end
  return wrk.format("POST", "/api/sessions",
    { ["Authorization"] = "Bearer " .. api, ["Content-Type"] = "application/json" }, '{"user_id":"soak-' .. k .. '"}')
end
