--[[
  A waiting chat (or an offline message, by whoever replies to it) gets its owner.

  Input: the session KEYS and ARGV of includes/prelude.lua; params {agentId, member, now}
  Output: {1, entryId...} | {0, 'not_found' | 'not_waiting'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'waiting' and s.status ~= 'offline' then return {0, 'not_waiting'} end
s.status = 'active'
s.ownerId = p.agentId
s.acceptedAt = p.now
save_session(s)
redis.call('HSET', KEYS[2], p.agentId, p.member)
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
