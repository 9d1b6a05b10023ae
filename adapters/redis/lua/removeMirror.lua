--[[
  Takes a mirror off a chat (a member who left stops getting its lines in their 1:1).

  Input: KEYS[1] session hash; ARGV[1] the mirror's id
  Output: 1 when it was there, else 0
]]
local raw = redis.call('HGET', KEYS[1], 'mirrors')
if not raw then return 0 end
local kept, found = {}, 0
for _, x in ipairs(cjson.decode(raw)) do
  if x.id == ARGV[1] then found = 1 else kept[#kept + 1] = x end
end
-- cjson writes an empty table as {}: the list stays a list.
redis.call('HSET', KEYS[1], 'mirrors', #kept > 0 and cjson.encode(kept) or '[]')
return found
