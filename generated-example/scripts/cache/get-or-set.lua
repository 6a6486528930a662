--- Cache read-through: returns the cached value, or stores `fallback` and returns it.
---@key entry              the cache entry
---@arg fallback string    value to store on a miss
---@arg ttlMs integer      lifetime of a stored value in ms
---@return [string, boolean]  the value, and true when it was already cached
local cached = redis.call('GET', KEYS[1])
if cached then
  return { cached, true }
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return { ARGV[1], false }
