/**
 * Atomic state changes as Lua. KEYS are always keyList(): 1 session, 2 members, 3 invites,
 * 4 pending, 5 transcript, 6 outbox, 7 clientIds, 8 refs, 9 mirrors.
 * ARGV: 1 session id, 2 events channel, 3 params (JSON), then the writes: a count of
 * transcript entries and the entries, a count of effects and the effects (JSON each).
 * Effects are queued before the entries' own effects.
 * A refused precondition returns {0, code} before anything is written; success returns {1, ...}.
 */
const prelude = /* lua */ `
local sid = ARGV[1]
local channel = ARGV[2]
local p = cjson.decode(ARGV[3])

local function load_session()
  local j = redis.call('HGET', KEYS[1], 'json')
  if not j then return nil end
  return cjson.decode(j)
end

local function save_session(s)
  redis.call('HSET', KEYS[1], 'json', cjson.encode(s))
end

-- The given effects go to the outbox first (a session's root exists before its first
-- message is relayed); then each entry goes to the transcript, to subscribers, and to
-- the outbox as an effect of its own.
local function write_all()
  local ids = {}
  local n = tonumber(ARGV[4])
  local e = 4 + n + 1
  local m = tonumber(ARGV[e])
  for k = 1, m do
    redis.call('XADD', KEYS[6], '*', 'f', ARGV[e + k])
  end
  for k = 1, n do
    local body = ARGV[4 + k]
    local id = redis.call('XADD', KEYS[5], '*', 'e', body)
    redis.call('PUBLISH', channel, id .. ' ' .. body)
    redis.call('XADD', KEYS[6], '*', 'f', '{"type":"entry","sessionId":"' .. sid .. '","entryId":"' .. id .. '"}')
    ids[#ids + 1] = id
  end
  return ids
end

-- The atomic re-check of the domain's join rule: once per chat, except a monitor stepping up.
local function join_refused(agentId, mode)
  local existing = redis.call('HGET', KEYS[2], agentId)
  if not existing then return nil end
  if cjson.decode(existing).mode == 'monitor' and mode == 'participant' then return nil end
  return 'already_member'
end

local function add_effect(effect)
  redis.call('XADD', KEYS[6], '*', 'f', cjson.encode(effect))
end
`;

const script = (body: string): string => `${prelude}\n${body}`;

export const createSession = script(/* lua */ `
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 'exists'} end
redis.call('HSET', KEYS[1], 'json', p.session, 'token', p.token)
local ids = write_all()
return {1, unpack(ids)}
`);

export const acceptSession = script(/* lua */ `
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'waiting' then return {0, 'not_waiting'} end
s.status = 'active'
s.ownerId = p.agentId
s.acceptedAt = p.now
save_session(s)
redis.call('HSET', KEYS[2], p.agentId, p.member)
local ids = write_all()
return {1, unpack(ids)}
`);

export const endSession = script(/* lua */ `
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status == 'ended' then return {0, 'ended'} end
s.status = 'ended'
s.endedAt = p.now
s.endedBy = p.by
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
-- An ended chat is kept for p.retainMs (late edits, the transcript), then Redis forgets it.
for k = 1, #KEYS do redis.call('PEXPIRE', KEYS[k], p.retainMs) end
for _, iid in ipairs(cancelled) do
  add_effect({type = 'invite.changed', sessionId = sid, inviteId = iid})
end
return {1, unpack(cancelled)}
`);

export const addMember = script(/* lua */ `
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'active' then return {0, 'not_active'} end
local refused = join_refused(p.agentId, p.mode)
if refused then return {0, refused} end
redis.call('HSET', KEYS[2], p.agentId, p.member)
local ids = write_all()
return {1, unpack(ids)}
`);

export const appendEntries = script(/* lua */ `
local s = load_session()
if not s then return {0, 'not_found'} end
local allowed = false
for _, st in ipairs(p.statuses) do if st == s.status then allowed = true end end
if not allowed then return {0, 'status_' .. s.status} end
if p.clientMessageId then
  local known = redis.call('HGET', KEYS[7], p.clientMessageId)
  if known then return {2, known} end
end
-- A session whose platforms cannot keep up takes no more until they catch up.
if p.maxBacklog and redis.call('XLEN', KEYS[6]) >= p.maxBacklog then return {0, 'backlog'} end
local ids = write_all()
if p.clientMessageId and ids[1] then redis.call('HSET', KEYS[7], p.clientMessageId, ids[1]) end
return {1, unpack(ids)}
`);

export const createInvite = script(/* lua */ `
local s = load_session()
if not s then return {0, 'not_found'} end
if s.status ~= 'active' then return {0, 'not_active'} end
if redis.call('HEXISTS', KEYS[2], p.inviteeId) == 1 then return {0, 'already_member'} end
if redis.call('HEXISTS', KEYS[4], p.inviteeId) == 1 then return {0, 'already_invited'} end
if p.previousId then
  local j = redis.call('HGET', KEYS[3], p.previousId)
  if not j then return {0, 'not_found'} end
  local prev = cjson.decode(j)
  if prev.status ~= 'rejected' and prev.status ~= 'expired' then return {0, 'not_resendable'} end
  if prev.resentAs then return {0, 'already_resent'} end
  prev.resentAs = p.inviteId
  redis.call('HSET', KEYS[3], p.previousId, cjson.encode(prev))
end
redis.call('HSET', KEYS[3], p.inviteId, p.invite)
redis.call('HSET', KEYS[4], p.inviteeId, p.inviteId)
local ids = write_all()
return {1, unpack(ids)}
`);

export const settleInvite = script(/* lua */ `
local j = redis.call('HGET', KEYS[3], p.inviteId)
if not j then return {0, 'not_found'} end
local inv = cjson.decode(j)
if inv.status ~= 'pending' then return {0, 'not_pending', j} end
if p.to == 'accepted' then
  local s = load_session()
  if not s or s.status ~= 'active' then return {0, 'not_active', j} end
  if tonumber(p.now) >= tonumber(inv.expiresAt) then return {0, 'expired', j} end
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
return {1, out}
`);
