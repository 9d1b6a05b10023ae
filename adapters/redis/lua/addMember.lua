--[[
  A member joins an active chat (a supervisor, or a monitor stepping up to participant).

  Input: the session KEYS and ARGV of includes/prelude.lua; params {agentId, mode, member}
  Output: {1, entryId...} | {0, 'not_found' | 'not_active' | 'already_member'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'active' then return {0, 'not_active'} end
local refused = join_refused(p.agentId, p.mode)
if refused then return {0, refused} end
redis.call('HSET', KEYS[2], p.agentId, p.member)
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
