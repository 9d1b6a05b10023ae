--[[
  Takes a session's drain lock unless the session is on hold.

  Input:
    KEYS[1] the hold key  KEYS[2] the lock key
    ARGV[1] the lock token  ARGV[2] the lock's lifetime (ms)
  Output: 0 when taken, the hold's remaining ms when on hold, -1 when another drainer holds the lock
]]
local hold = redis.call('PTTL', KEYS[1])
if hold > 0 then return hold end
if redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
return -1
