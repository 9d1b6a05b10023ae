--[[
  A new pending invite, at most one per (chat, invitee); a resend links to the invite it
  follows (which must be rejected or expired, and not resent yet).

  Input: the session KEYS and ARGV of includes/prelude.lua;
         params {invite, inviteId, inviteeId, previousId?}
  Output: {1, entryId...} | {0, 'not_found' | 'not_active' | 'already_member' | 'already_invited' | 'not_resendable' | 'already_resent'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'active' then return {0, 'not_active'} end
if redis.call('HEXISTS', KEYS[2], p.inviteeId) == 1 then return {0, 'already_member'} end
if redis.call('HEXISTS', KEYS[4], p.inviteeId) == 1 then return {0, 'already_invited'} end
if p.previousId then
  local j = redis.call('HGET', KEYS[3], p.previousId)
  if not j then return {0, 'invite_not_found'} end
  local prev = cjson.decode(j)
  if prev.status ~= 'rejected' and prev.status ~= 'expired' then return {0, 'not_resendable'} end
  if prev.resentAs then return {0, 'already_resent'} end
  prev.resentAs = p.inviteId
  redis.call('HSET', KEYS[3], p.previousId, cjson.encode(prev))
end
redis.call('HSET', KEYS[3], p.inviteId, p.invite)
redis.call('HSET', KEYS[4], p.inviteeId, p.inviteId)
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
