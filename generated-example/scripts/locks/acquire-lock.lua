--- Takes a lock for `owner` unless someone else holds it.
---@key lock              the lock key
---@arg owner string      token that identifies the holder
---@arg ttlMs integer     lock lifetime in ms
---@return boolean        true when the lock was taken
return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) ~= false
