-- wrk script: creations and revocations, alternating. Odd requests create a session for a new
-- user (POST /api/sessions); even ones end the user created 1000 requests earlier on the same
-- thread (DELETE /sessions/{uid}), long done by then. Needs API_TOKEN.
local counter = 0
local threads = 0
local headers = {}
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  headers["Authorization"] = "Bearer " .. os.getenv("API_TOKEN")
  headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  if counter % 2 == 0 and counter > 1001 then
    return wrk.format("DELETE", "/sessions/w" .. tid .. "-" .. (counter - 1001), headers)
  end
  return wrk.format("POST", "/api/sessions", headers, '{"user_id":"w' .. tid .. '-' .. counter .. '"}')
end
