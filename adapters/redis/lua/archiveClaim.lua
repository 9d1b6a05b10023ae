--[[
  The archiver claims the chats longest due: each moves from the due set to the claimed set
  with a deadline, so only one archiver takes it, and a claim whose archiver died goes back
  (archiveRecover). A chat changed meanwhile is marked due again by its commit.

  Input:  KEYS[1] due (sorted set: chat id by when it was first marked)
          KEYS[2] claimed (sorted set: chat id by its claim's deadline)
          ARGV[1] how many at most  ARGV[2] the claim's deadline (ms)
  Output: {chatId, markedAt, ...}
]]
local due = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
local out = {}
for k = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[k])
  redis.call('ZADD', KEYS[2], ARGV[2], due[k])
  out[#out + 1] = due[k]
  out[#out + 1] = due[k + 1]
end
return out
