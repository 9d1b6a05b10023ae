--[[
  Before a post leaves: says what is in flight on a destination, so a drainer that takes it
  over (this one died, or its acknowledgement failed) reads the platform back before sending
  it again. Refused when the lease is no longer the drainer's: then it must not post.

  Input: KEYS[1] lease, KEYS[2] in-flight mark (hash)
         ARGV[1] owner, ARGV[2] lease ms, ARGV[3] delivery id the post carries,
         ARGV[4] when it left (ms), ARGV[5] its queue ids, space-separated
  Output: 1 when marked (and the lease renewed), 0 when the lease is not ours
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], 'id', ARGV[3], 'at', ARGV[4], 'qids', ARGV[5])
return 1
