--[[
  Takes over a destination nobody drains (its drainer died, or a queue was left behind):
  only when it has work and no lease.

  Input: KEYS[1] queue stream, KEYS[2] lease; ARGV[1] owner, ARGV[2] lease ms, ARGV[3] how many items to return
  Output: {'held'} when another holds it, {'empty'} when nothing waits there,
          else {'claimed', items}: the first items, as XRANGE gives them ({queueId, fields})
]]
if redis.call('EXISTS', KEYS[2]) == 1 then return {'held'} end
local items = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', ARGV[3])
if #items == 0 then return {'empty'} end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'claimed', items}
