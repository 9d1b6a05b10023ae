--[[
  pending → p.to, exactly once whatever races. On 'accepted' the invitee joins in the same
  step (the join rule re-checked): in the invite's mode, in the mode answered (p.member), or,
  for a transfer offer, as the owner (a member before, or not) while the one who offered leaves. When the invite is one
  of a group, its pending siblings are cancelled in the same step (taken by the invitee):
  exactly one of a group joins.

  Input: the session KEYS and ARGV of includes/prelude.lua;
         params {inviteId, to, now, member?, reason?, unreached?}
  Output: {1, inviteJson, cancelledInviteId...} | {0, code, inviteJson?} with code
          'invite_not_found' | 'not_pending' | 'not_active' | 'not_pending:not_pending.expired'
          | 'already_member' | 'not_owner'
]]
-- @include prelude
local j = redis.call('HGET', KEYS[3], p.inviteId)
if not j then return {0, 'invite_not_found'} end
local inv = cjson.decode(j)
if inv.status ~= 'pending' then return {0, 'not_pending:not_pending.' .. inv.status, j} end
local s = load_session()
if p.to == 'accepted' then
  if not s or s.status ~= 'active' then return {0, 'not_active', j} end
  if tonumber(p.now) >= tonumber(inv.expiresAt) then return {0, 'not_pending:not_pending.expired', j} end
  if inv.kind == 'transfer' then
    -- The offer stands only while the one who made it owns the chat.
    if s.ownerId ~= inv.inviterId then return {0, 'not_owner:offer_stale', j} end
    -- Someone already in the chat (a participant, a monitor) takes it over: their membership becomes the owner's.
    redis.call('HDEL', KEYS[2], inv.inviterId)
    s.ownerId = inv.inviteeId
    s.acceptedAt = p.now
    save_session(s)
  else
    local member = cjson.decode(p.member)
    local refused = join_refused(inv.inviteeId, member.mode)
    if refused then return {0, refused, j} end
  end
  redis.call('HSET', KEYS[2], inv.inviteeId, p.member)
end
inv.status = p.to
inv.respondedAt = p.now
if p.reason then inv.reason = p.reason end
if p.unreached then inv.unreached = true end
local out = cjson.encode(inv)
redis.call('HSET', KEYS[3], p.inviteId, out)
if redis.call('HGET', KEYS[4], inv.inviteeId) == p.inviteId then redis.call('HDEL', KEYS[4], inv.inviteeId) end
local cancelled = {}
if p.to == 'accepted' and inv.group then
  local all = redis.call('HGETALL', KEYS[3])
  for k = 1, #all, 2 do
    local other = cjson.decode(all[k + 1])
    if other.group == inv.group and other.status == 'pending' and other.id ~= inv.id then
      other.status = 'cancelled'
      other.respondedAt = p.now
      other.takenBy = inv.inviteeId
      redis.call('HSET', KEYS[3], other.id, cjson.encode(other))
      if redis.call('HGET', KEYS[4], other.inviteeId) == other.id then redis.call('HDEL', KEYS[4], other.inviteeId) end
      cancelled[#cancelled + 1] = other.id
    end
  end
end
write_all()
tell_invites(cancelled)
count_outbox()
return {1, out, unpack(cancelled)}
