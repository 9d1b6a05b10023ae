--[[
  Records which lists a chat is in, as of the revision they were computed from; refused when
  the chat changed meanwhile (the caller computes again).

  Input: KEYS[1] session hash; ARGV[1] the revision read, ARGV[2] the listings (JSON)
  Output: 1 recorded | 0 the chat changed since
]]
if (redis.call('HGET', KEYS[1], 'rev') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'ix', ARGV[2], 'ixrev', ARGV[1])
return 1
