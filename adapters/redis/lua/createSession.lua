--[[
  Stores a new chat with its end user's token hash, its first entries and effects.

  Input: the session KEYS and ARGV of includes/prelude.lua; params {session, token}
  Output: {1, entryId...} | {0, 'exists'}
]]
-- @include prelude
if redis.call('EXISTS', KEYS[1]) == 1 then return {0, 'exists'} end
redis.call('HSET', KEYS[1], 'json', p.session, 'token', p.token)
local ids = write_all()
return {1, unpack(ids)}
