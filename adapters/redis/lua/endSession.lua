--[[
  Ends a chat and cancels its pending invites; the chat is then kept for p.retainMs.

  Input: the session KEYS and ARGV of includes/prelude.lua; params {by, now, retainMs,
         reason?, onlyIf?: a status the chat must still be in (e.g. 'waiting'),
         outcome?, outcomeNote?: the wrap-up}
  Output: {1, cancelledInviteId...} | {0, 'not_found' | 'ended' | 'not_waiting'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status == 'ended' then return {0, 'ended'} end
if p.onlyIf and s.status ~= p.onlyIf then return {0, 'not_' .. p.onlyIf} end
s.status = 'ended'
s.endedAt = p.now
s.endedBy = p.by
if p.reason then s.endReason = p.reason end
if p.outcome then s.outcome = p.outcome end
if p.outcomeNote then s.outcomeNote = p.outcomeNote end
save_session(s)
local cancelled = cancel_pending()
write_all()
tell_invites(cancelled)
count_outbox()
for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], p.retainMs) end
return {1, unpack(cancelled)}
