--[[
  Ends a chat and cancels its pending invites; the chat is then kept for p.retainMs.

  Input: the session KEYS and ARGV of includes/prelude.lua; params {by, now, retainMs,
         reason?, onlyIf?: a status the chat must still be in (e.g. 'waiting')}
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
save_session(s)
local cancelled = {}
local pending = redis.call('HGETALL', KEYS[4])
for k = 1, #pending, 2 do
  local iid = pending[k + 1]
  local j = redis.call('HGET', KEYS[3], iid)
  if j then
    local inv = cjson.decode(j)
    if inv.status == 'pending' then
      inv.status = 'cancelled'
      inv.respondedAt = p.now
      redis.call('HSET', KEYS[3], iid, cjson.encode(inv))
      cancelled[#cancelled + 1] = iid
    end
  end
end
redis.call('DEL', KEYS[4])
write_all()
for _, iid in ipairs(cancelled) do
  to_outbox(cjson.encode({type = 'invite.changed', sessionId = sid, inviteId = iid}))
end
count_outbox()
for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], p.retainMs) end
return {1, unpack(cancelled)}
