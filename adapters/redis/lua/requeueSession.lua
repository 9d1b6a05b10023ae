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
return {1, unpack(cancelled)}
