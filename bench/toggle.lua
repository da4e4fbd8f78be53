-- Reaction toggles as the page's script sends them (JSON), each from the next of many
-- readers, with its own client address (X-Forwarded-For), so no rate limit trips.
-- Sent as the page's own script sends them: Sec-Fetch-Site: same-origin, no token.
-- Defined in front by bench/prepare.py: path, keys, readers ({cookie, address}).

local counter = 0
local thread_count = 0

function setup(thread)
  thread:set("counter", thread_count * 7919)
  thread_count = thread_count + 1
end

-- bench/run.py passes how many requests this target has sent before: readers and
-- comments go on from there instead of starting again.
function init(args)
  counter = counter + (tonumber(args[1]) or 0)
end

function request()
  counter = counter + 1
  local reader = readers[counter % #readers + 1]
  local key = keys[math.floor(counter / #readers) % #keys + 1]
  return wrk.format("POST", path, {
    ["Cookie"] = reader[1],
    ["X-Forwarded-For"] = reader[2],
    ["Sec-Fetch-Site"] = "same-origin",
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "emoji=" .. key)
end
