--- Counting semaphore: at most `limit` holders at a time; a holder that did not renew
--- within `ttlMs` is dropped.
---@key holders           sorted set of holder ids scored by expiry time (ms)
---@arg holder string     id of the caller
---@arg limit integer     the most holders at a time
---@arg now integer       current time in ms
---@arg ttlMs integer     how long a hold lasts
---@return boolean        true when the caller holds the semaphore
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return false
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
return true
