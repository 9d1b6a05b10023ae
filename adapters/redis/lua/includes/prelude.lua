--[[
  Shared by the session scripts. Every session script gets the same KEYS and the same
  head of ARGV, so the state change and what it writes are one atomic step:

    KEYS[1] session hash     KEYS[4] pending invites by invitee   KEYS[7] client message ids
    KEYS[2] members hash     KEYS[5] transcript stream            KEYS[8] delivery refs
    KEYS[3] invites hash     KEYS[6] outbox stream                KEYS[9] mirrors hash

    ARGV[1] session id
    ARGV[2] events channel (pub/sub, for the end user's stream)
    ARGV[3] the script's own parameters, JSON
    ARGV[4] n, the number of transcript entries, then n entries (JSON)
    ARGV[4+n+1] m, the number of effects, then m effects (JSON)
]]
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
