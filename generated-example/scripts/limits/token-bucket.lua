--- Token-bucket rate limiter: the bucket refills continuously up to `capacity`; a request
--- takes `cost` tokens when that many are there.
---@key bucket                hash with the fields tokens and at (time of the last refill, ms)
---@arg capacity integer      the most tokens the bucket holds
---@arg perSecond number      tokens added per second (may be fractional)
---@arg now integer           current time in ms
---@arg cost integer          tokens this request takes
---@return [boolean, integer] taken, and the whole tokens left
local capacity = tonumber(ARGV[1])
local perSecond = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perSecond / 1000)
local taken = tokens >= cost
if taken then
  tokens = tokens - cost
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / perSecond * 1000))
return { taken, math.floor(tokens) }
