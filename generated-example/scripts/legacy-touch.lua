-- An existing script, adopted without editing: no contract, so its keys and args are
-- inferred from KEYS[n] / ARGV[n].
local hits = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return hits
