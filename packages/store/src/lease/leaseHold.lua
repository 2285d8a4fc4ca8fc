--[[
  Takes or keeps a lease: the owner holding it extends it, anyone takes a free one, nobody takes one
  held by another owner.

  Cluster: one key.

  Input:
    KEYS[1] the lease: string, the owner's id, with a TTL
    ARGV[1] owner id
    ARGV[2] lease time, ms

  Output:
    1 when `owner` holds the lease after the call, 0 when another owner does
]]
local key, owner, ttl = KEYS[1], ARGV[1], ARGV[2]

local holder = redis.call('GET', key)
if holder == owner then
  redis.call('PEXPIRE', key, ttl)
  return 1
end
if holder then
  return 0
end
redis.call('SET', key, owner, 'PX', ttl)
return 1
