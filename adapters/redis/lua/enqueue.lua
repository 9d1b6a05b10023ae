--[[
  Queues deliveries on a destination, skipping any whose id was queued lately, and claims
  the destination when nobody drains it.

  Input:
    KEYS[1] queue stream  KEYS[2] lease  KEYS[3] ids seen lately (hash)
    ARGV[1] owner  ARGV[2] lease ms  then pairs: delivery id, delivery JSON
  Output: {claimed (0|1), (queueId, delivery JSON) for each one queued}
]]
local out = {0}
for k = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[3], ARGV[k], '1') == 1 then
    out[#out + 1] = redis.call('XADD', KEYS[1], '*', 'd', ARGV[k + 1])
    out[#out + 1] = ARGV[k + 1]
  end
end
redis.call('PEXPIRE', KEYS[3], 86400000)
if redis.call('XLEN', KEYS[1]) > 0 and redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then out[1] = 1 end
return out
