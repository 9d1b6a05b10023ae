--[[
  pending → p.to, exactly once whatever races; on 'accepted' the invitee joins in the
  same step (the join rule re-checked).

  Input: the session KEYS and ARGV of includes/prelude.lua; params {inviteId, to, now, member?}
  Output: {1, inviteJson} | {0, code, inviteJson?} with code 'invite_not_found' | 'not_pending'
          | 'not_active' | 'not_pending:not_pending.expired' | 'already_member'
]]
-- @include prelude
local j = redis.call('HGET', KEYS[3], p.inviteId)
if not j then return {0, 'invite_not_found'} end
local inv = cjson.decode(j)
if inv.status ~= 'pending' then return {0, 'not_pending:not_pending.' .. inv.status, j} end
if p.to == 'accepted' then
  local s = load_session()
  if not s or s.status ~= 'active' then return {0, 'not_active', j} end
  if tonumber(p.now) >= tonumber(inv.expiresAt) then return {0, 'not_pending:not_pending.expired', j} end
  local refused = join_refused(inv.inviteeId, inv.mode)
  if refused then return {0, refused, j} end
  redis.call('HSET', KEYS[2], inv.inviteeId, p.member)
end
inv.status = p.to
inv.respondedAt = p.now
local out = cjson.encode(inv)
redis.call('HSET', KEYS[3], p.inviteId, out)
if redis.call('HGET', KEYS[4], inv.inviteeId) == p.inviteId then redis.call('HDEL', KEYS[4], inv.inviteeId) end
write_all()
count_outbox()
return {1, out}
