--- Extends a lock, only for the owner that holds it.
---@key lock              the lock key
---@arg owner string      token that identifies the holder
---@arg ttlMs integer     new lifetime in ms
---@return boolean        true when the lock was still held by `owner` and was extended
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return false
end
return redis.call('PEXPIRE', KEYS[1], ARGV[2]) == 1
