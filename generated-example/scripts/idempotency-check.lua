--- Claims an idempotency key. The first caller gets null and must do the work; later
--- callers get the JSON that the first one stored as its response.
---@key idem                 the idempotency key
---@arg pending json         placeholder stored while the first request runs
---@arg ttlSeconds integer   how long the key is remembered
---@return json              null for the first caller, else the stored value
local stored = redis.call('GET', KEYS[1])
if stored then
  return stored
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return nil
