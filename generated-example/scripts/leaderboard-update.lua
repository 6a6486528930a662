--- Adds points to a player and returns the player's new rank (0 = first) and score.
---@key board                 sorted set of players by score
---@arg player string
---@arg points number         points to add (may be fractional or negative)
---@return [integer, string]  rank from the top, and the new score as Redis prints it
local score = redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
local rank = redis.call('ZREVRANK', KEYS[1], ARGV[1])
return { rank, score }
