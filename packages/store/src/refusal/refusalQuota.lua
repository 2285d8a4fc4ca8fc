--[[
  Takes (or gives back) one slot of a client's refusal quota for one window: how many distinct
  refusals the store keeps per client per window, so that refused starts to ever new destinations
  cannot fill Redis. Counting goes on past the quota, so the caller knows how many were not kept.

  Cluster: one key, tagged with the client (so a client's keys share a slot).

  Input:
    KEYS[1] the window's count: string, integer
    ARGV[1] 1 to take a slot, -1 to give one back (a refusal another request created meanwhile)
    ARGV[2] key TTL, seconds (set when the key is created)

  Output:
    the count after the call
]]
local key, delta, ttl = KEYS[1], ARGV[1], ARGV[2]

local count = redis.call('INCRBY', key, delta)
if redis.call('TTL', key) == -1 then
  redis.call('EXPIRE', key, ttl)
end
return count
