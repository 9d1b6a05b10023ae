--[[
  Appends transcript entries while the chat is in one of p.statuses; idempotent on
  p.clientMessageId; refused while the outbox holds p.maxBacklog effects.

  Input: the session KEYS and ARGV of includes/prelude.lua;
         params {statuses, clientMessageId?, maxBacklog?}
  Output: {1, entryId...} | {2, knownEntryId} (a repeat) | {0, 'not_found' | 'ended' | 'not_active:not_active.reply' | 'backlog'}
]]
-- @include prelude
local s = load_session()
if not s then return {0, 'not_found'} end
local allowed = false
for _, st in ipairs(p.statuses) do if st == s.status then allowed = true end end
if not allowed then
  if s.status == 'ended' then return {0, 'ended'} end
  return {0, 'not_active:not_active.reply'}
end
if p.clientMessageId then
  local known = redis.call('HGET', KEYS[7], p.clientMessageId)
  if known then return {2, known} end
end
if p.maxBacklog and redis.call('XLEN', KEYS[6]) >= p.maxBacklog then return {0, 'backlog'} end
local ids = write_all()
if p.clientMessageId and ids[1] then redis.call('HSET', KEYS[7], p.clientMessageId, ids[1]) end
return {1, unpack(ids)}
