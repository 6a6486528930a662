#!lua flags=no-writes
--- Sums integer counters; missing counters count as 0.
---@key ...counters          the counter keys (one hash slot on a Cluster)
---@return integer           the sum
local total = 0
for _, key in ipairs(KEYS) do
  total = total + (tonumber(redis.call('GET', key)) or 0)
end
return total
