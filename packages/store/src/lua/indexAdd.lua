--[[
  Adds a verification to a support index (the verifications of one destination or accountRef, keyed
  by its keyed hash): id -> createdAt. Keeps the newest `maxEntries`, drops entries older than the
  retention (their timelines are gone too) and gives the index the retention from its newest entry.

  Cluster: one key, its own hash tag (`{kind:hash}`), so indexes spread over the cluster.

  Input:
    KEYS[1] index: ZSET, member = verification id, score = createdAt epoch ms
    ARGV[1] verification id
    ARGV[2] createdAt, epoch ms
    ARGV[3] retention, seconds
    ARGV[4] maxEntries

  Output:
    entries in the index after the call
]]
local key, id, createdAt, retention, maxEntries =
  KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])

redis.call('ZADD', key, createdAt, id)
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', createdAt - retention * 1000))
redis.call('ZREMRANGEBYRANK', key, 0, -(maxEntries + 1))
if redis.call('TTL', key) < retention then
  redis.call('EXPIRE', key, retention)
end
return redis.call('ZCARD', key)
