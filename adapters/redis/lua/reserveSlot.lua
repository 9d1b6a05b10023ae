--[[
  Auto routing's claim on an agent's capacity: the chat goes into the agent's `owns` list
  only while the list holds fewer than max chats. Two instances routing at once never push
  an agent over capacity.

  Input: KEYS[1] the agent's owns list (sorted set); ARGV[1] chat id, ARGV[2] max, ARGV[3] score
  Output: 1 when the chat was put in the list, 2 when it was there already (someone else's
          claim: not this caller's to give back), 0 when the agent is full
]]
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 2 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
