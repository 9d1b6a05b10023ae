--[[
  Adds a mirror to a chat, or replaces the one with the same id.

  Input: KEYS[1] session hash; ARGV[1] the mirror (JSON)
  Output: 1, or 0 when the chat is gone
]]
local raw = redis.call('HGET', KEYS[1], 'mirrors')
if not raw then return 0 end
local mirrors = cjson.decode(raw)
local m = cjson.decode(ARGV[1])
local found = false
for i, x in ipairs(mirrors) do
  if x.id == m.id then
    mirrors[i] = m
    found = true
  end
end
if not found then mirrors[#mirrors + 1] = m end
redis.call('HSET', KEYS[1], 'mirrors', cjson.encode(mirrors))
return 1
