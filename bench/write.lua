-- The durable write floor: a form post as a browser sends it (Sec-Fetch-Site:
-- same-origin), each with a body of a comment's size, one row stored per request.
-- Defined in front by bench/prepare.py: path, keys, readers (none here).

local counter = 0

-- bench/run.py passes how many requests this target has sent before.
function init(args)
  counter = counter + (tonumber(args[1]) or 0)
end

function request()
  counter = counter + 1
  local body = "body=Write+" .. counter
    .. "+on+this+story%3A+I+was+there%2C+and+it+was+not+like+that+at+all."
  return wrk.format("POST", path, {
    ["Sec-Fetch-Site"] = "same-origin",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
