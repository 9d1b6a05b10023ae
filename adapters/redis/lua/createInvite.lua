--[[
  New pending invites, at most one per (chat, invitee): one, or a group sent together (anyone
  available, a help request). A resend links to the invite it follows (which must be rejected
  or expired, and not resent yet). A transfer offer needs the offering owner still to own the
  chat, and no other offer pending; it may go to someone already in the chat (not its owner,
  whom the policy refuses), to take it over.

  Input: the session KEYS and ARGV of includes/prelude.lua;
         params {invites: [{invite, inviteId, inviteeId}], previousId?, offerBy?}
  Output: {1, entryId...} | {0, 'not_found' | 'not_active' | 'already_member' | 'already_invited'
          | 'not_resendable' | 'already_resent' | 'forbidden' | 'transfer_pending'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'active' then return {0, 'not_active'} end
if p.offerBy then
  if s.ownerId ~= p.offerBy then return {0, 'forbidden'} end
  local all = redis.call('HVALS', KEYS[3])
  for _, j in ipairs(all) do
    local inv = cjson.decode(j)
    if inv.kind == 'transfer' and inv.status == 'pending' then return {0, 'transfer_pending'} end
  end
end
for _, x in ipairs(p.invites) do
  -- Someone already in the chat may be offered it (to take it over), not invited again.
  if not p.offerBy and redis.call('HEXISTS', KEYS[2], x.inviteeId) == 1 then return {0, 'already_member'} end
  if redis.call('HEXISTS', KEYS[4], x.inviteeId) == 1 then return {0, 'already_invited'} end
end
if p.previousId then
  local j = redis.call('HGET', KEYS[3], p.previousId)
  if not j then return {0, 'invite_not_found'} end
  local prev = cjson.decode(j)
  if prev.status ~= 'rejected' and prev.status ~= 'expired' then return {0, 'not_resendable'} end
  if prev.resentAs then return {0, 'already_resent'} end
  prev.resentAs = p.invites[1].inviteId
  redis.call('HSET', KEYS[3], p.previousId, cjson.encode(prev))
end
for _, x in ipairs(p.invites) do
  redis.call('HSET', KEYS[3], x.inviteId, x.invite)
  redis.call('HSET', KEYS[4], x.inviteeId, x.inviteId)
end
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
