--[[
  A participant or monitor leaves the chat (the owner cannot: they release, transfer or end).

  Input: the session KEYS and ARGV of includes/prelude.lua; params {agentId}
  Output: {1, entryId...} | {0, 'not_found' | 'ended' | 'not_member' | 'owner'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status == 'ended' then return {0, 'ended'} end
local j = redis.call('HGET', KEYS[2], p.agentId)
if not j then return {0, 'not_member:not_member.leave'} end
if cjson.decode(j).mode == 'owner' then return {0, 'owner:owner.leave'} end
redis.call('HDEL', KEYS[2], p.agentId)
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
