--[[
  Gives a key the TTL another key has left, so a verification's sends hash expires with its record.
  Does nothing when the source has no TTL (or is gone).

  Input:
    fromKey  the key whose TTL is copied (the record)
    toKey    the key that gets it (the sends hash)
]]
local function copyTtl(fromKey, toKey)
  local ttl = redis.call('PTTL', fromKey)
  if ttl > 0 then
    redis.call('PEXPIRE', toKey, ttl)
  end
end
