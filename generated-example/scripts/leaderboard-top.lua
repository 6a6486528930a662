#!lua flags=no-writes
--- The first `count` players of a board, best first (read-only: runs on replicas).
---@key board              sorted set of players by score
---@arg count integer      how many players
---@return string[]        player names, best first
return redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
