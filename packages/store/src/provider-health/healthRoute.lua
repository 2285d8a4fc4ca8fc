--[[
  Sets a provider's routing state (healthy, demoted, recovering) on a channel, unless it was set
  since it was read: a compare-and-set on its version `v`. Several processes judge the same counts
  at about the same time; one of them writes the move, and one that judged older counts writes
  nothing (it reads the state again on its next refresh). Refreshes the key's TTL.

  Cluster: one key.

  Input:
    KEYS[1] health hash (`healthRecord.lua`)
    ARGV[1] the version read (0 when no state was stored)
    ARGV[2] the new state
    ARGV[3] its `since`, epoch ms (0 for healthy)
    ARGV[4] key TTL, ms

  Output:
    1 written; 0 the version had moved on, nothing written
]]
local key = KEYS[1]
local version = tonumber(redis.call('HGET', key, 'v')) or 0
if version ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', key, 'state', ARGV[2], 'since', ARGV[3], 'v', version + 1)
redis.call('PEXPIRE', key, ARGV[4])
return 1
