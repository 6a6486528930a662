--- Sets several fields of a hash from name/value pairs and stamps it with a version.
---@key record             the hash
---@arg ...pairs string    field names and values, alternating
---@return integer         the record's new version
if #ARGV % 2 ~= 0 then
  return redis.error_reply('ERR set-fields takes field/value pairs')
end
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return redis.call('HINCRBY', KEYS[1], '_version', 1)
