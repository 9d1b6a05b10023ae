--[[
  The archiver claims the chats longest due: they move from the due set to the claimed set
  with a deadline, so only one archiver takes each, and a claim whose archiver died goes back
  (archiveRecover). A chat changed meanwhile is marked due again by its commit. A few
  commands whatever the batch: the relay's Redis pays little for the archive.

  Input:  KEYS[1] due (sorted set: chat id by when it was first marked)
          KEYS[2] claimed (sorted set: chat id by its claim's deadline)
          ARGV[1] how many at most  ARGV[2] the claim's deadline (ms)
  Output: {chatId, markedAt, ...}
]]
local due = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
if #due == 0 then return {} end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, #due / 2 - 1)
local claimed = {}
for k = 1, #due, 2 do
  claimed[#claimed + 1] = ARGV[2]
  claimed[#claimed + 1] = due[k]
end
redis.call('ZADD', KEYS[2], unpack(claimed))
return due
