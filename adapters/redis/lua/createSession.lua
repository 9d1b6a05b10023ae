--[[
  Stores a new chat with its end user's token hash, its first entries and effects.

  Input: the session KEYS and ARGV of includes/prelude.lua; params {session, token, home?}
  Output: {1, entryId...} | {0, 'exists'}
]]
-- @include prelude
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 'exists'} end
redis.call('HSET', KEYS[1], 'json', p.session, 'token', p.token, 'mirrors', '[]')
if p.home then redis.call('HSET', KEYS[1], 'home', p.home) end
local ids = write_all()
count_outbox()
return {1, unpack(ids)}
