--[[
  The owner hands an active chat back to a queue (its own: release; another: transfer): it
  waits again, with no owner, and the owner leaves; participants and monitors stay. Pending
  invites, offers and help requests are cancelled (whoever takes the chat asks again).

  Input: the session KEYS and ARGV of includes/prelude.lua; params {by, now, queueId?}
  Output: {1, cancelledInviteId...} | {0, 'not_found' | 'not_active' | 'ended' | 'forbidden'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status == 'ended' then return {0, 'ended'} end
if s.status ~= 'active' then return {0, 'not_active'} end
if s.ownerId ~= p.by then return {0, 'forbidden'} end
s.status = 'waiting'
s.ownerId = nil
s.acceptedAt = nil
if p.queueId then s.queueId = p.queueId end
save_session(s)
redis.call('HDEL', KEYS[2], p.by)
local cancelled = cancel_pending()
write_all()
tell_invites(cancelled)
count_outbox()
return {1, unpack(cancelled)}
