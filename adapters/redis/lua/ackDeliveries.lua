--[[
  Acknowledges what a drainer sent (or dropped), records where it went, and gives the
  chats' waiting counts back; then either releases the destination, when the drainer
  holds nothing and nothing new came, or keeps the lease and returns what came since
  `after`. Refused when the lease is no longer the drainer's (another took over).

  Input:
    KEYS[1] queue stream  KEYS[2] lease  KEYS[3] refs hash  KEYS[4] chats' waiting counts (hash)
    KEYS[5] in-flight mark (lua/markInflight.lua): cleared with what it names
    ARGV[1] owner  ARGV[2] lease ms  ARGV[3] how many new items to return
    ARGV[4] the last queue id the drainer has read ('-' for none)
    ARGV[5] 0: it holds nothing more; 1: it still holds items; 2: it hands the destination over
    ARGV[6] d, the number of queue ids done, then d ids
    then c, the number of chats to count down, then c pairs: session id, how many
    then pairs: ref key, ref JSON
  Output: {'lost'} | {'released'} | {'more', items}: what came since, as XRANGE gives it ({queueId, fields})
]]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return {'lost'} end
local d = tonumber(ARGV[6])
local at = 7 + d
local c = tonumber(ARGV[at])
for k = 1, c do
  redis.call('HINCRBY', KEYS[4], ARGV[at + 2 * k - 1], -tonumber(ARGV[at + 2 * k]))
end
at = at + 2 * c + 1
if #ARGV >= at then redis.call('HSET', KEYS[3], unpack(ARGV, at)) end
local items = {}
if ARGV[5] ~= '2' then
  local from = ARGV[4] == '-' and '-' or '(' .. ARGV[4]
  items = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', ARGV[3])
end
if #items == 0 and ARGV[5] == '0' then
  -- Nothing left: the queue goes with the lease (the next claim starts it afresh at 0-1).
  redis.call('DEL', KEYS[2], KEYS[1], KEYS[5])
  return {'released'}
end
if d > 0 then
  redis.call('XDEL', KEYS[1], unpack(ARGV, 7, 6 + d))
  redis.call('DEL', KEYS[5])
end
if ARGV[5] == '2' then
  redis.call('DEL', KEYS[2])
  return {'released'}
end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {'more', items}
