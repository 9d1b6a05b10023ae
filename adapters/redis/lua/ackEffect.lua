--[[
  The planner has turned an effect into deliveries: it leaves the outbox.

  Input: KEYS[1] session hash, KEYS[2] outbox stream; ARGV[1] the effect's id
  Output: the number of effects left in the outbox
]]
if redis.call('XDEL', KEYS[2], ARGV[1]) == 1 then
  return redis.call('HINCRBY', KEYS[1], 'o', -1)
end
return tonumber(redis.call('HGET', KEYS[1], 'o') or '0')
