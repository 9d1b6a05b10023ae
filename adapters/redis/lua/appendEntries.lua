--[[
  Appends transcript entries while the chat is in one of p.statuses; idempotent on
  p.clientMessageId; capped (p.maxEntries, p.maxBytes).

  The fast path: when nothing of the chat waits for the planner, each entry's line is
  queued at once on every channel mirror that shares the chat's slot, and an idle
  destination is claimed for the caller, who sends it right away. On a busy destination the
  chat's waiting lines are counted, and refused past p.maxBacklog. A destination is claimed
  only with a line queued on it, so every claim reported has something to drain. Other mirrors, and
  everything while the planner has work, go through the outbox.

  Input: the session KEYS and ARGV of includes/prelude.lua; params
    {statuses, clientMessageId?, maxBacklog?, maxEntries?, maxBytes?,
     lines?: [ {json, origin?, post?} | false | null ] (one per entry: json, the line's template,
             src/app/delivery/delivery.ts LineTemplate; false = shown nowhere, null = left
             to the planner),
     tokenHash? (the end user's token, hashed, as the caller last read it: refused when the
     chat's is another now), listenedSince? (the entries are published only when an event
     stream said it listens since then), prefix, tag, owner, leaseMs, now}
  A destination claimed with a post (post: true) gets its in-flight mark here: the post is
  queued as 0-1 with the field at = now, which adapters/redis/deliveries.ts reads as the mark
  lua/markInflight.lua would write (the delivery id sid/entry@mirror, at, the queue id): the
  caller's drainer sends it without a step of its own (src/app/delivery/drainer.ts).
  A line is queued as the stream fields d (its template, as given), entry (its entry's id),
  mirror (the mirror's id) and counted (1 when counted against the chat's backlog there, else
  0): the reader makes the delivery of them (adapters/redis/deliveryScripts.ts).
  Output: {1, {entryId...}, {{dest, queueId, k, mirrorId, 1 when it is the queue's first}...},
          effects outboxed, the chat's status}, a destination claimed for the caller per
          inner table, with the line of entry k queued there
          {2, knownEntryId}: a repeat of p.clientMessageId
          {0, code}: 'not_found' | 'credential:forbidden.token' | 'ended' | 'not_active:not_active.reply'
                     | 'backlog' | 'transcript_full'
]]
-- @include prelude
local h = redis.call('HMGET', KEYS[1], 'json', 'mirrors', 'o', 'n', 'b', 'token', 'l')
if not h[1] then return {0, 'not_found'} end
-- The caller knew the chat from before (its token checked then): the token must still be its.
if p.tokenHash and h[6] ~= p.tokenHash then return {0, 'credential:forbidden.token'} end
local s = cjson.decode(h[1])
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
local waiting = tonumber(h[3]) or 0
if p.maxBacklog and waiting >= p.maxBacklog then return {0, 'backlog'} end
local entries, bytes = tonumber(h[4]) or 0, tonumber(h[5]) or 0
local adding = 0
for k = 1, entry_count do adding = adding + #ARGV[4 + k] end
if (p.maxEntries and entries + entry_count > p.maxEntries) or (p.maxBytes and bytes + adding > p.maxBytes) then
  return {0, 'transcript_full'}
end

-- Nobody would hear them: a stream that opens later replays the transcript.
local unheard = p.listenedSince ~= nil and (tonumber(h[7]) or 0) < p.listenedSince
local fast = waiting == 0 and tonumber(ARGV[effects_at]) == 0 and p.lines ~= nil
local mirrors = h[2] and cjson.decode(h[2]) or {}

-- The channel mirrors in this slot that get a line: an idle one is claimed here, with its
-- first line queued below (a note or a thread reply queues nothing there, and a lease with
-- nothing to drain would hold up every other chat's lines); on a busy one the chat's lines
-- queued there are counted.
local targets = {}
if fast then
  for _, m in ipairs(mirrors) do
    if m.kind == 'channel' and string.sub(redis.sha1hex(m.dest), 1, 5) == p.tag then
      local n = 0
      for k = 1, entry_count do
        local line = p.lines[k]
        if type(line) == 'table' and not (line.origin and m.place == line.origin) then n = n + 1 end
      end
      if n > 0 then
        local base = p.prefix .. ':d:{' .. p.tag .. '}:' .. m.dest
        local t = {m = m, base = base, n = n}
        t.idle = redis.call('SET', base .. ':l', p.owner, 'PX', p.leaseMs, 'NX') ~= false
        if not t.idle and p.maxBacklog then
          -- The chat's line in flight there counts too: at most maxBacklog undelivered.
          if redis.call('HINCRBY', base .. ':c', sid, n) >= p.maxBacklog then
            redis.call('HINCRBY', base .. ':c', sid, -n)
            -- Refused: nothing of this step stays (claims made in it were seen by nobody).
            for _, x in ipairs(targets) do
              if x.counted then redis.call('HINCRBY', x.base .. ':c', sid, -x.n) end
              if x.idle then redis.call('DEL', x.base .. ':l') end
            end
            return {0, 'backlog'}
          end
          t.counted = true
        end
        targets[#targets + 1] = t
      end
    end
  end
end

write_effects()
local ids, claimed = {}, {}
for k = 1, entry_count do
  local id = write_entry(k, unheard)
  ids[#ids + 1] = id
  local line = p.lines and p.lines[k]
  if line == false then
    -- shown nowhere (a private note)
  elseif fast and type(line) == 'table' then
    local sent = {}
    for _, t in ipairs(targets) do
      if not (line.origin and t.m.place == line.origin) then
        local counted = t.counted and '1' or '0'
        if t.idle and not t.queued then
          -- Its first line since this step claimed it. A queue released cleanly was deleted,
          -- so ours is its first entry (id 0-1), a post marked in flight from p.now (its field
          -- at: RedisDeliveries.inflight reads it as the mark lua/markInflight.lua would write).
          -- When that fails, a drainer died with work left there: the caller starts from the head.
          local fields = {'d', line.json, 'entry', id, 'mirror', t.m.id, 'counted', counted}
          local marked = {unpack(fields)}
          if line.post then
            marked[#marked + 1] = 'at'
            marked[#marked + 1] = p.now
          end
          local first = redis.pcall('XADD', t.base .. ':q', '0-1', unpack(marked))
          if type(first) == 'table' and first.err then
            local qid = redis.call('XADD', t.base .. ':q', '*', unpack(fields))
            claimed[#claimed + 1] = {t.m.dest, qid, k, t.m.id, 0}
          else
            claimed[#claimed + 1] = {t.m.dest, first, k, t.m.id, 1}
          end
        else
          redis.call('XADD', t.base .. ':q', '*', 'd', line.json, 'entry', id, 'mirror', t.m.id, 'counted', counted)
        end
        t.queued = true
      end
      sent[t.m.id] = true
    end
    local rest = {}
    for _, m in ipairs(mirrors) do
      if not sent[m.id] and not (line.origin and m.place == line.origin) then rest[#rest + 1] = m.id end
    end
    if #rest > 0 then plan_entry(id, rest) end
  else
    plan_entry(id)
  end
end
count_outbox()
redis.call('HSET', KEYS[1], 'n', entries + entry_count, 'b', bytes + adding)
if p.clientMessageId and ids[1] then redis.call('HSET', KEYS[7], p.clientMessageId, ids[1]) end
return {1, ids, claimed, outboxed, s.status}
