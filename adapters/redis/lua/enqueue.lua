--[[
  Queues deliveries on a destination, skipping any whose id was queued lately, and claims
  the destination when nobody drains it.

  Input:
    KEYS[1] queue stream  KEYS[2] lease  KEYS[3] ids seen lately (hash)
    ARGV[1] owner  ARGV[2] lease ms  then pairs: delivery id, delivery JSON
  Output: {claimed (0|1), {queueId of each one queued}}
]]
local queued = {}
for k = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[3], ARGV[k], '1') == 1 then
    queued[#queued + 1] = redis.call('XADD', KEYS[1], '*', 'd', ARGV[k + 1])
  end
end
redis.call('PEXPIRE', KEYS[3], 86400000)
local claimed = 0
if redis.call('XLEN', KEYS[1]) > 0 and redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then claimed = 1 end
return {claimed, queued}
