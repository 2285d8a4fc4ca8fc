--[[
  Adds a verification to a support index (the verifications of one destination or accountRef, keyed
  by its keyed hash): id -> createdAt. Keeps the newest `maxEntries`, drops entries older than the
  retention (their timelines are gone too) and keeps the index at least `keep` seconds from now: the
  retention for a verification, less for an entry that goes sooner (a refused start). A shorter keep
  never shortens what the index already has.

  Cluster: one key, its own hash tag (`{kind:hash}`), so indexes spread over the cluster.

  Input:
    KEYS[1] index: ZSET, member = verification id, score = createdAt epoch ms
    ARGV[1] verification id
    ARGV[2] createdAt, epoch ms
    ARGV[3] retention, seconds
    ARGV[4] maxEntries
    ARGV[5] keep, seconds (at most the retention)

  Output:
    entries in the index after the call
]]
local key, id, createdAt, retention, maxEntries, keep =
  KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

redis.call('ZADD', key, createdAt, id)
redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. string.format('%d', createdAt - retention * 1000))
local entries = redis.call('ZCARD', key)
if entries > maxEntries then
  redis.call('ZREMRANGEBYRANK', key, 0, -(maxEntries + 1))
  entries = maxEntries
end
-- The full retention is the longest keep there is: no need to read the TTL it could only raise.
if keep >= retention or redis.call('TTL', key) < keep then
  redis.call('EXPIRE', key, keep)
end
return entries
