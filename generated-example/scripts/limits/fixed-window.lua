--- Fixed-window counter: counts requests in the current window, which starts on the first.
---@key counter            the window's counter
---@arg windowSeconds integer  window length in seconds
---@return integer         requests in this window, this one included
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
