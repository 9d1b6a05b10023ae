--[[
  Shared by the session scripts. Every session script gets the same KEYS and the same
  head of ARGV, so the state change and what it writes are one atomic step:

    KEYS[1] session hash (json, token, mirrors, home; o: effects in the outbox;
            n, b: entries and bytes in the transcript; rev: the state's revision,
            ix/ixrev: the lists it is in, as of which revision; l: when an event stream
            last said it listens, adapters/redis/chatEvents.ts)
    KEYS[2] members hash     KEYS[5] transcript stream
    KEYS[3] invites hash     KEYS[6] outbox stream (effects for the planner)
    KEYS[4] pending invites by invitee   KEYS[7] client message ids

    ARGV[1] session id
    ARGV[2] events channel (pub/sub, for the end user's stream)
    ARGV[3] the script's own parameters, JSON (p.sharded: SPUBLISH, on a Redis 7 cluster)
    ARGV[4] n, the number of transcript entries, then n entries (JSON)
    ARGV[4+n+1] m, the number of effects, then m effects (JSON)
]]
local sid = ARGV[1]
local channel = ARGV[2]
local p = cjson.decode(ARGV[3])
local entry_count = tonumber(ARGV[4])
local effects_at = 4 + entry_count + 1
local outboxed = 0

local function load_session()
  local j = redis.call('HGET', KEYS[1], 'json')
  if not j then return nil end
  return cjson.decode(j)
end

local function save_session(s)
  redis.call('HSET', KEYS[1], 'json', cjson.encode(s))
end

local function to_outbox(effect_json)
  redis.call('XADD', KEYS[6], '*', 'f', effect_json)
  outboxed = outboxed + 1
end

-- The effects given, for the planner. (A chat's root exists before its first line.)
local function write_effects()
  for k = 1, tonumber(ARGV[effects_at]) do to_outbox(ARGV[effects_at + k]) end
end

-- Entry k: to the transcript, and to the end user's stream unless nobody listens (unheard).
local function write_entry(k, unheard)
  local body = ARGV[4 + k]
  local id = redis.call('XADD', KEYS[5], '*', 'e', body)
  if not unheard then redis.call(p.sharded and 'SPUBLISH' or 'PUBLISH', channel, id .. ' ' .. body) end
  return id, #body
end

local function plan_entry(id, only)
  local effect = {type = 'entry', sessionId = sid, entryId = id}
  if only then effect.only = only end
  to_outbox(cjson.encode(effect))
end

-- Effects, then every entry with an effect of its own for the planner. Used by the scripts
-- that change a chat's state: its revision moves, so its lists are reindexed (lists.ts).
local function write_all()
  redis.call('HINCRBY', KEYS[1], 'rev', 1)
  write_effects()
  local ids = {}
  for k = 1, entry_count do
    local id = write_entry(k)
    plan_entry(id)
    ids[#ids + 1] = id
  end
  return ids
end

-- Cancels every pending invite of the chat (it ended, or went back to a queue); their ids.
local function cancel_pending()
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
  return cancelled
end

-- Each invite's card and line hear of its change.
local function tell_invites(ids)
  for _, iid in ipairs(ids) do
    to_outbox(cjson.encode({type = 'invite.changed', sessionId = sid, inviteId = iid}))
  end
end

-- Keeps the outbox's count beside the session (read with it, in one command).
local function count_outbox()
  if outboxed > 0 then redis.call('HINCRBY', KEYS[1], 'o', outboxed) end
end

-- The atomic re-check of the domain's join rule: once per chat, except a monitor stepping up.
local function join_refused(agentId, mode)
  local existing = redis.call('HGET', KEYS[2], agentId)
  if not existing then return nil end
  if cjson.decode(existing).mode == 'monitor' and mode == 'participant' then return nil end
  return 'already_member'
end
