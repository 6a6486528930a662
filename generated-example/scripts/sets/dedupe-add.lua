--- Remembers an id for a while; tells whether it was new.
---@key seen               set of ids seen recently
---@arg id string
---@arg ttlSeconds integer  how long the set lives after its last new id
---@return boolean         true when the id was not seen before
local added = redis.call('SADD', KEYS[1], ARGV[1])
if added == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return added == 1
