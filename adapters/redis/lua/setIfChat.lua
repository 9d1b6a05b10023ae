--[[
  Sets one field of a chat's hash, only on a chat that is there: never a half chat made of
  that field alone (one forgotten since the caller read it).

  Input: KEYS[1] the session hash
         ARGV[1] field, ARGV[2] value
  Output: 1 when set, 0 when the chat is gone
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
