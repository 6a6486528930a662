--- Adds to a hash field unless the result would pass `cap`.
---@key counters           hash of counters
---@arg field string       the counter
---@arg by integer         amount to add
---@arg cap integer        the highest value allowed
---@return integer?        the new value, or nil when it would pass the cap (nothing changes)
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1])) or 0
if current + tonumber(ARGV[2]) > tonumber(ARGV[3]) then
  return nil
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
