-- Comment posts from the form (no JavaScript: 303 back to the article), each from the
-- next of many readers with its own client address, each comment different, so that no
-- rate limit and no duplicate check trips. Sent as a browser sends the page's form:
-- Sec-Fetch-Site: same-origin, no token.
-- Defined in front by bench/prepare.py: path, keys, readers ({cookie, address}).

local counter = 0
local thread_count = 0
local thread_id = 0

function setup(thread)
  thread:set("counter", thread_count * 7919)
  thread:set("thread_id", thread_count)
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
  local body = "name=Bench+reader+" .. counter
    .. "&email=&website="
    .. "&body=Comment+" .. thread_id .. "-" .. counter
    .. "+on+this+story%3A+I+was+there%2C+and+it+was+not+like+that+at+all."
  return wrk.format("POST", path, {
    ["Cookie"] = reader[1],
    ["X-Forwarded-For"] = reader[2],
    ["Sec-Fetch-Site"] = "same-origin",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
