-- The seed article for readers who have reacted: each request from the next reader,
-- with the reader cookie a returning reader has.
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
  return wrk.format("GET", path, { ["Cookie"] = reader[1] })
end
