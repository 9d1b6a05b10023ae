--[[
  Claims past their deadline (their archiver died or gave up) are due again; given back
  claims too (ARGV[2..]: chat ids, whatever their deadline).

  Input:  KEYS[1] due  KEYS[2] claimed  ARGV[1] now (ms)  ARGV[2..] chat ids to give back
  Output: how many went back
]]
local back = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for k = 2, #ARGV do back[#back + 1] = ARGV[k] end
local n = 0
for _, id in ipairs(back) do
  if redis.call('ZREM', KEYS[2], id) == 1 then
    redis.call('ZADD', KEYS[1], 'NX', ARGV[1], id)
    n = n + 1
  end
end
return n
