--- Appends an event to a stream with the given id and keeps the stream near `maxLen` entries.
---@key stream             the event stream
---@arg id string          the entry id (ms-seq), increasing
---@arg kind string        event kind
---@arg body json          event payload
---@arg maxLen integer     about how many entries to keep
---@return string          the id Redis stored
return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], ARGV[1], 'kind', ARGV[2], 'body', ARGV[3])
