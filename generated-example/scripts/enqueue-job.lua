--- Adds a job to a priority queue and returns its id. The job body goes to a key derived
--- from the queue key, so the queue key must carry a {hash tag}.
---@key queue {tagged}       list of job ids; jobs live at <queue>:job:<id>
---@arg job json             the job payload
---@arg priority 'high'|'low'  high-priority jobs go to the front
---@return integer           the new job id
-- redis-luagen-disable tagged-derived-key -- the id is made here, so the caller cannot name the job key
local id = redis.call('INCR', KEYS[1] .. ':seq')
redis.call('SET', KEYS[1] .. ':job:' .. id, ARGV[1])
if ARGV[2] == 'high' then
  redis.call('LPUSH', KEYS[1], id)
else
  redis.call('RPUSH', KEYS[1], id)
end
return id
