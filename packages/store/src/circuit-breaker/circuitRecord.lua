--[[
  Records the outcomes of calls to a provider, in the order given, and moves its breaker after each as
  if each were recorded alone. One call carries every outcome a process gathered while its previous
  call was on its way (`circuit-breaker.ts`), so under load an outcome costs a fraction of a command.

  Counts: `consecutive` failures, and a fixed window (`windowStart`, `total`, `failures`) that starts
  afresh once windowMs has passed since it began.
  - success: consecutive = 0. half_open -> closed, with a fresh window. closed stays closed; open
    stays open (a call that started before it opened proves nothing: only a probe may close it).
  - failure: consecutive + 1, counted in the window. closed -> open when consecutive >= threshold, or
    when the window holds at least minRequests calls and failures / total >= errorRatio.
    half_open -> open again. Each move to open sets openedAt = now, so an open circuit stays open for
    a whole cooldown; a late failure while open does not extend it.
  Every call refreshes the key's TTL.

  Cluster: one key.

  Input:
    KEYS[1] breaker hash
    ARGV[1] failure threshold (consecutive)
    ARGV[2] error ratio, 0..1
    ARGV[3] minimum calls in the window before the ratio counts
    ARGV[4] window, ms
    ARGV[5] key TTL, ms
    ARGV[6...] now (epoch ms), 'success' | 'failure', now, outcome...: the outcomes in order

  Output:
    { state after the first outcome, whether it changed it (0|1), state after the second, ... }
]]
local key = KEYS[1]
local threshold, errorRatio, minRequests, windowMs, ttl =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]

local fields = redis.call('HMGET', key, 'state', 'consecutive', 'windowStart', 'total', 'failures')
local initial = fields[1] or 'closed'
if initial ~= 'closed' and initial ~= 'open' and initial ~= 'half_open' then
  return redis.error_reply('ERR sendcode circuitRecord: malformed breaker state')
end
local state = initial
local consecutive = tonumber(fields[2]) or 0
local windowStart, total, failures = tonumber(fields[3]), tonumber(fields[4]) or 0, tonumber(fields[5]) or 0
local openedAt = nil
local replies = {}

for i = 6, #ARGV - 1, 2 do
  local now, outcome = tonumber(ARGV[i]), ARGV[i + 1]
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
  if after == 'open' and after ~= state then
    openedAt = now
  end
  replies[#replies + 1] = after
  replies[#replies + 1] = after ~= state and 1 or 0
  state = after
end

redis.call('HSET', key, 'state', state, 'consecutive', consecutive, 'windowStart', windowStart, 'total', total,
  'failures', failures)
if state ~= initial then
  -- Nothing recorded moves an open circuit back, so no move returns to where it started, and one
  -- that ends open moved there in these outcomes, at openedAt.
  redis.call('HDEL', key, 'probeUntil')
  if state == 'open' then
    redis.call('HSET', key, 'openedAt', openedAt)
  else
    redis.call('HDEL', key, 'openedAt')
  end
end
redis.call('PEXPIRE', key, ttl)
return replies
