--[[
  Escalates a chat still waiting, once: the supervisors are told (its effects say how).

  Input: the session KEYS and ARGV of includes/prelude.lua; params {now}
  Output: {1, entryId...} | {0, 'not_found' | 'not_waiting' | 'escalated'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'waiting' then return {0, 'not_waiting'} end
if s.escalatedAt then return {0, 'escalated'} end
s.escalatedAt = p.now
save_session(s)
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
