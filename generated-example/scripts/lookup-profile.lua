#!lua flags=no-writes
--- Reads a user profile hash and its remaining lifetime (read-only: runs on replicas).
---@key profile              hash of profile fields
---@return hash              the profile fields, with "_ttl" set to the TTL in seconds
local fields = redis.call('HGETALL', KEYS[1])
fields[#fields + 1] = '_ttl'
fields[#fields + 1] = tostring(redis.call('TTL', KEYS[1]))
return fields
