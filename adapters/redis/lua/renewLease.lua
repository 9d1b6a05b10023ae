--[[
  Keeps a drainer's lease alive during a long drain.

  Input: KEYS[1] lease; ARGV[1] owner, ARGV[2] lease ms
  Output: 1 when still ours (renewed), 0 when not
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
