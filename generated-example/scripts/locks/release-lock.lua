--- Releases a lock only when `owner` still holds it (never someone else's lock).
---@key lock              the lock key
---@arg owner string      token given to acquireLock
---@return boolean        true when the lock was held by owner and is now released
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) == 1
end
return false
