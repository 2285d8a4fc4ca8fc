--[[
  Records the outcome of one call to a provider and moves its breaker.

  Counts: `consecutive` failures, and a fixed window (`windowStart`, `total`, `failures`) that starts
  afresh once windowMs has passed since it began.
  - success: consecutive = 0. half_open -> closed, with a fresh window. closed stays closed; open
    stays open (a call that started before it opened proves nothing: only a probe may close it).
  - failure: consecutive + 1, counted in the window. closed -> open when consecutive >= threshold, or
    when the window holds at least minRequests calls and failures / total >= errorRatio.
    half_open -> open again. Each move to open sets openedAt = now, so an open circuit stays open for
    a whole cooldown; a late failure while open does not extend it.
  Every write refreshes the key's TTL.

  Cluster: one key.

  Input:
    KEYS[1] breaker hash
    ARGV[1] now, epoch ms
    ARGV[2] 'success' | 'failure'
    ARGV[3] failure threshold (consecutive)
    ARGV[4] error ratio, 0..1
    ARGV[5] minimum calls in the window before the ratio counts
    ARGV[6] window, ms
    ARGV[7] key TTL, ms

  Output:
    { state after the call, changed (0|1) }
]]
local key = KEYS[1]
local now, outcome = tonumber(ARGV[1]), ARGV[2]
local threshold, errorRatio, minRequests, windowMs, ttl =
  tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]

local fields = redis.call('HMGET', key, 'state', 'consecutive', 'windowStart', 'total', 'failures')
local state = fields[1] or 'closed'
if state ~= 'closed' and state ~= 'open' and state ~= 'half_open' then
  return redis.error_reply('ERR sendcode circuitRecord: malformed breaker state')
end
local consecutive = tonumber(fields[2]) or 0
local windowStart, total, failures = tonumber(fields[3]), tonumber(fields[4]) or 0, tonumber(fields[5]) or 0
if not windowStart or now - windowStart >= windowMs then
  windowStart, total, failures = now, 0, 0
end

local after = state
total = total + 1
if outcome == 'success' then
  consecutive = 0
  if state == 'half_open' then
    after = 'closed'
    windowStart, total, failures = now, 0, 0
  end
else
  consecutive = consecutive + 1
  failures = failures + 1
  if state == 'half_open' then
    after = 'open'
  elseif state == 'closed'
    and (consecutive >= threshold or (total >= minRequests and failures / total >= errorRatio)) then
    after = 'open'
  end
end

redis.call('HSET', key, 'state', after, 'consecutive', consecutive, 'windowStart', windowStart, 'total', total,
  'failures', failures)
if after ~= state then
  redis.call('HDEL', key, 'probeUntil')
  if after == 'open' then
    redis.call('HSET', key, 'openedAt', now)
  else
    redis.call('HDEL', key, 'openedAt')
  end
end
redis.call('PEXPIRE', key, ttl)
return { after, after ~= state and 1 or 0 }
