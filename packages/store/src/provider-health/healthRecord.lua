--[[
  Counts one outcome of a provider's send (on one channel) in its time bucket, and drops the buckets
  that have left the window. The hash is shared by every gateway and worker process, so they all
  judge a provider by the same counts.

  Fields, per bucket (`<start>`: the bucket's start, epoch ms): `d:<start>` delivered receipts,
  `f:<start>` negative receipts, `n:<start>` receipt timeouts with no receipt, `l:<start>` the sum of
  the delivered receipts' latency in ms. `state`, `since` and `v` are the routing state
  (`healthRoute.lua`). The first count of its kind in a bucket also drops the buckets that have left
  the window and refreshes the key's TTL (far longer than a bucket), so a count is mostly one or two
  HINCRBYs; the routing state lapses only once a provider has had no outcomes at all for the TTL.

  Cluster: one key.

  Input:
    KEYS[1] health hash
    ARGV[1] now, epoch ms
    ARGV[2] bucket length, ms
    ARGV[3] 'd' | 'f' | 'n'
    ARGV[4] latency of a delivered receipt, ms (0 when unknown)
    ARGV[5] how long buckets are kept, ms
    ARGV[6] key TTL, ms

  Output:
    the bucket's count of this outcome after the call
]]
local key = KEYS[1]
local now, bucket, kind = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local latency, keep, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
if kind ~= 'd' and kind ~= 'f' and kind ~= 'n' then
  return redis.error_reply('ERR sendcode healthRecord: unknown outcome')
end

local start = string.format('%.0f', now - now % bucket)
local count = redis.call('HINCRBY', key, kind .. ':' .. start, 1)
if kind == 'd' and latency > 0 then
  redis.call('HINCRBY', key, 'l:' .. start, latency)
end

if count == 1 then
  local oldest = now - keep
  local stale = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    local at = tonumber(string.match(field, '^[dfnl]:(%d+)$'))
    if at and at < oldest then
      stale[#stale + 1] = field
    end
  end
  if #stale > 0 then
    redis.call('HDEL', key, unpack(stale))
  end
  redis.call('PEXPIRE', key, ttl)
end
return count
