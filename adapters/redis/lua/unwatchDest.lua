--[[
  Takes a destination off the sweepers' list, only if its entry is still the one meant: a
  drainer removes its own entry (same score), the sweeper one whose deadline passed. An
  entry written since by the destination's next drainer stays.

  Input: KEYS[1] the list (sorted set, scored by deadline)
         ARGV[1] destination, ARGV[2] 'eq' | 'le', ARGV[3] score
  Output: 1 when removed, 0 when not
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return 0 end
local s, want = tonumber(score), tonumber(ARGV[3])
if (ARGV[2] == 'eq' and s == want) or (ARGV[2] == 'le' and s <= want) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
