--[[
  Counts outcomes of a provider's sends (on one channel) in their time buckets, and drops the buckets
  that have left the window. The hash is shared by every gateway and worker process, so they all
  judge a provider by the same counts. One call carries every outcome a process gathered while its
  previous call was on its way (`provider-health.ts`), so under load a count costs a fraction of a
  command.

  Fields, per bucket (`<start>`: the bucket's start, epoch ms): `d:<start>` delivered receipts,
  `f:<start>` negative receipts, `n:<start>` receipt timeouts with no receipt, `l:<start>` the sum of
  the delivered receipts' latency in ms. `state`, `since` and `v` are the routing state
  (`healthRoute.lua`). A call that starts a count in a bucket also drops the buckets that have left
  the window and refreshes the key's TTL (far longer than a bucket), so a call is mostly one HINCRBY
  per field it adds to; the routing state lapses only once a provider has had no outcomes at all for
  the TTL.

  Cluster: one key.

  Input:
    KEYS[1] health hash
    ARGV[1] now, epoch ms
    ARGV[2] how long buckets are kept, ms
    ARGV[3] key TTL, ms
    ARGV[4...] field, increment, field, increment...: fields `d:<start>`, `f:<start>`, `n:<start>` or
               `l:<start>`, increments positive integers (0 for a latency is left out by the caller)

  Output:
    the number of fields counted in
]]
local key = KEYS[1]
local now, keep, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]

local started = false
for i = 4, #ARGV - 1, 2 do
  local field, increment = ARGV[i], tonumber(ARGV[i + 1])
  local kind = string.match(field, '^([dfnl]):%d+$')
  if not kind or not increment or increment < 1 then
    return redis.error_reply('ERR sendcode healthRecord: bad count ' .. field)
  end
  local count = redis.call('HINCRBY', key, field, increment)
  if kind ~= 'l' and count == increment then
    started = true
  end
end

if started then
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
return (#ARGV - 3) / 2
