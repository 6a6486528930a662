--- Takes the next job of a queue written by enqueue-job and moves its id to a processing
--- list; returns the job payload, or nil when the queue is empty.
---@key queue {tagged}      list of job ids; jobs live at <queue>:job:<id>
---@key processing          list of ids being worked on
---@return string?          the job payload as enqueued (JSON text)
-- redis-luagen-disable tagged-derived-key -- the id comes from the queue, so the caller cannot name the job key
local id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not id then
  return nil
end
return redis.call('GET', KEYS[1] .. ':job:' .. id)
