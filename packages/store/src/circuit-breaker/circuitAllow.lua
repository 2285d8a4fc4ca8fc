--[[
  May a caller use this provider now? The breaker's state lives in one hash per provider, so every
  gateway and worker process agrees on it.

  - closed (or no hash): allowed.
  - open, cooldown not over: refused.
  - open, cooldown over: becomes half_open and this caller is the probe, holding a lease until
    now + probe timeout.
  - half_open with a live probe lease: refused. Lease expired (the probe never reported): this caller
    becomes the probe.

  Cluster: one key.

  Input:
    KEYS[1] breaker hash
    ARGV[1] now, epoch ms
    ARGV[2] cooldown, ms
    ARGV[3] probe timeout, ms
    ARGV[4] key TTL, ms

  Output:
    { allowed (0|1), state after the call, probe (0|1), retryAt }
    retryAt (epoch ms) is when a refused caller may ask again: the end of the cooldown (open) or of
    the probe's lease (half_open); 0 when allowed.
]]
local key = KEYS[1]
local now, cooldown, probeTimeout, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local fields = redis.call('HMGET', key, 'state', 'openedAt', 'probeUntil')
local state = fields[1] or 'closed'
if state == 'closed' then
  return { 1, 'closed', 0, 0 }
elseif state == 'open' then
  local openedAt = tonumber(fields[2])
  if not openedAt then
    return redis.error_reply('ERR sendcode circuitAllow: malformed breaker state')
  end
  if now - openedAt < cooldown then
    return { 0, 'open', 0, openedAt + cooldown }
  end
elseif state == 'half_open' then
  local probeUntil = tonumber(fields[3]) or 0
  if now < probeUntil then
    return { 0, 'half_open', 0, probeUntil }
  end
else
  return redis.error_reply('ERR sendcode circuitAllow: malformed breaker state')
end

redis.call('HSET', key, 'state', 'half_open', 'probeUntil', now + probeTimeout)
redis.call('PEXPIRE', key, ttl)
return { 1, 'half_open', 1, 0 }
