--[[
  A token bucket shared by every instance: `burst` at once, then `perSecond`.

  Input:
    KEYS[1] the bucket (hash: tokens, at)
    ARGV[1] now (ms)  ARGV[2] per second  ARGV[3] burst
  Output: 0 when a token was taken, else the milliseconds until one is free
]]
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 1000
local burst = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
if tokens < 1 then return math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens - 1, 'at', now)
redis.call('PEXPIRE', KEYS[1], 60000)
return 0
