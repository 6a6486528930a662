--- Sliding-window rate limiter: admits a request when fewer than `limit` requests were
--- admitted in the last `windowMs` milliseconds.
---@key window            sorted set of admitted request ids scored by time (ms)
---@arg now integer       current time in ms
---@arg windowMs integer  window length in ms
---@arg limit integer     requests admitted per window
---@arg requestId string  unique id of this request
---@return [boolean, integer] admitted, and how many requests remain in the window
local window = KEYS[1]
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])

redis.call('ZREMRANGEBYSCORE', window, '-inf', now - windowMs)
local used = redis.call('ZCARD', window)
if used >= limit then
  return { false, 0 }
end
redis.call('ZADD', window, now, ARGV[4])
redis.call('PEXPIRE', window, windowMs)
return { true, limit - used - 1 }
