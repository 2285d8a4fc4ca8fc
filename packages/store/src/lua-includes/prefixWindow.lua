--[[
  The send and approval counts of one API client to a number prefix over a sliding window, estimated
  from two fixed buckets of windowMs aligned to the epoch (the current one and the one before), the way
  sliding-window rate limiters do: estimate = current + previous * (share of the previous bucket
  still inside the window). Two buckets bound the memory to one small hash, and unlike a single fixed
  window the estimate does not drop to zero at a boundary, so timing a burst just after one gains
  nothing.

  The hash holds: bucket (number of the current bucket), sends, approvals, prevSends, prevApprovals.
  A bucket older than the previous one counts for nothing. A stored bucket ahead of ours (another
  process's clock runs ahead) is taken as the current one.

  loadWindow(key, now, windowMs) -> table { bucket, sends, approvals, prevSends, prevApprovals, weight }
  saveWindow(key, window, windowMs) writes it back. The PEXPIRE of two buckets is set only when the
  current bucket is new to the hash: from its first write the key then outlives the next bucket, and
  after that this bucket counts for nothing anyway. (One command fewer per count.)
  estimate(window, field) -> the sliding estimate of 'sends' or 'approvals'
]]
local function loadWindow(key, now, windowMs)
  local fields = redis.call('HMGET', key, 'bucket', 'sends', 'approvals', 'prevSends', 'prevApprovals')
  local bucket = math.floor(now / windowMs)
  local stored = tonumber(fields[1])
  local window = { bucket = bucket, sends = 0, approvals = 0, prevSends = 0, prevApprovals = 0, fresh = true }
  if stored and stored >= bucket then
    window.fresh = false
    window.bucket = stored
    window.sends, window.approvals = tonumber(fields[2]) or 0, tonumber(fields[3]) or 0
    window.prevSends, window.prevApprovals = tonumber(fields[4]) or 0, tonumber(fields[5]) or 0
  elseif stored == bucket - 1 then
    window.prevSends, window.prevApprovals = tonumber(fields[2]) or 0, tonumber(fields[3]) or 0
  end
  local elapsed = (now - window.bucket * windowMs) / windowMs
  window.weight = math.max(0, math.min(1, 1 - elapsed))
  return window
end

local function saveWindow(key, window, windowMs)
  redis.call('HSET', key, 'bucket', string.format('%d', window.bucket), 'sends', window.sends, 'approvals', window.approvals,
    'prevSends', window.prevSends, 'prevApprovals', window.prevApprovals)
  if window.fresh then
    redis.call('PEXPIRE', key, 2 * windowMs)
  end
end

local function estimate(window, field)
  local previous = field == 'sends' and window.prevSends or window.prevApprovals
  return window[field] + previous * window.weight
end
