--[[
  Picks a chat's channel from a queue's pool: the one with the fewest open chats (a tie goes
  to one of them at random), counted at once, so chats created together spread out.

  Input: KEYS[1] the loads (sorted set: destination → open chats);
         ARGV[1] a random number in [0, 1), then the pool's destinations
  Output: the destination chosen
]]
local least, ties = nil, {}
for k = 2, #ARGV do
  local n = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[k]) or '0')
  if least == nil or n < least then
    least, ties = n, {ARGV[k]}
  elseif n == least then
    ties[#ties + 1] = ARGV[k]
  end
end
local chosen = ties[math.floor(tonumber(ARGV[1]) * #ties) + 1] or ties[1]
redis.call('ZINCRBY', KEYS[1], 1, chosen)
return chosen
