--[[
  Sliding-window counters: one string per rule, "bucket:current:previous" — the starts (or sends)
  counted in the current fixed bucket of windowMs (aligned to the epoch) and in the one before. The
  count in the sliding window is estimated as current + previous * (share of the previous bucket
  still inside the window), as in lua-includes/prefixWindow. The memory of a rule does not grow with
  its limit: one short string, where a log kept one entry per start.

  The estimate is exact for a burst (`limit` of any number of simultaneous starts pass) and never
  lets one bucket hold more than `limit`. It assumes the previous bucket's starts were spread evenly:
  `limit` starts at the very end of a bucket followed by the most the estimate allows in the next one
  put up to 2 * limit - 1 in one window's length (admission.test.ts shows the bound). Over any two
  buckets at most 2 * limit pass, as with fixed windows, but timing a burst after a boundary gains
  little: just after it, the previous bucket still counts nearly in full.

  A stored bucket ahead of ours (another process's clock runs ahead) is taken as the current one; one
  older than the previous bucket counts for nothing. Each write sets the key to expire when its
  current bucket stops counting (the end of the bucket after it).

  counterRules(first, last, argBase, now, stored) -> a table of rule states for KEYS[first..last], rule n
  having its limit and windowMs at ARGV[argBase + 2n - 1] and ARGV[argBase + 2n]. Rules of the same key
  (same scope, key and window) share one state, so a start counts once in it. The counters are read
  with one MGET, or taken from `stored` (stored[k] the value of KEYS[k], false when absent: an MGET
  of KEYS the caller already made).
  fullRule(states) -> number (1-based) of the first rule one more start would take over its limit, and
  the ms until one more fits (>= 1); nil when every rule has room.
  countIn(states, now): counts one more in each distinct key's current bucket.
  refundIn(states, startedAt, now): takes back one counted at startedAt from the bucket it was counted
  in, while that bucket still counts (current or previous); a key that is gone is left alone.
]]
local function parseCounter(key, stored, now, windowMs)
  local bucket = math.floor(now / windowMs)
  local state = { key = key, windowMs = windowMs, bucket = bucket, current = 0, previous = 0 }
  if not stored then
    return state
  end
  local b, c, p = string.match(stored, '^(%d+):(%d+):(%d+)$')
  b = tonumber(b)
  if b == nil then
    return state
  end
  if b >= bucket then
    state.bucket, state.current, state.previous = b, tonumber(c), tonumber(p)
  elseif b == bucket - 1 then
    state.previous = tonumber(c)
  end
  return state
end

local function counterRules(first, last, argBase, now, stored)
  if not stored and first <= last then
    local values = redis.call('MGET', unpack(KEYS, first, last))
    stored = {}
    for k = first, last do
      stored[k] = values[k - first + 1]
    end
  end
  local byKey, list = {}, {}
  for k = first, last do
    local n = k - first + 1
    local limit, windowMs = tonumber(ARGV[argBase + 2 * n - 1]), tonumber(ARGV[argBase + 2 * n])
    local state = byKey[KEYS[k]]
    if not state then
      state = parseCounter(KEYS[k], stored[k], now, windowMs)
      byKey[KEYS[k]] = state
    end
    list[n] = { state = state, limit = limit }
  end
  return list
end

-- ms from now until current + 1 + previous * weight <= limit (integer arithmetic: * windowMs).
local function retryAfter(state, limit, now)
  local w, start = state.windowMs, state.bucket * state.windowMs
  local current, previous = state.current, state.previous
  if current + 1 > limit then
    -- Not in this bucket: in the next, this bucket is the previous one and weighs less as it goes.
    start, previous, current = start + w, current, 0
  end
  local elapsed = math.ceil(w * (previous - limit + current + 1) / previous)
  return math.max(1, start + elapsed - now)
end

local function fullRule(list, now)
  for n, rule in ipairs(list) do
    local s = rule.state
    local elapsed = math.max(0, math.min(s.windowMs, now - s.bucket * s.windowMs))
    if (s.current + 1) * s.windowMs + s.previous * (s.windowMs - elapsed) > rule.limit * s.windowMs then
      return n, retryAfter(s, rule.limit, now)
    end
  end
  return nil
end

local function write(s, current, previous, now)
  local expireAt = (s.bucket + 2) * s.windowMs
  local value = string.format('%d:%d:%d', s.bucket, current, previous)
  redis.call('SET', s.key, value, 'PX', math.max(1, expireAt - now))
end

local function countIn(list, now)
  local done = {}
  for _, rule in ipairs(list) do
    local s = rule.state
    if not done[s.key] then
      done[s.key] = true
      write(s, s.current + 1, s.previous, now)
    end
  end
end

local function refundIn(list, startedAt, now)
  local done = {}
  for _, rule in ipairs(list) do
    local s = rule.state
    local counted = math.floor(startedAt / s.windowMs)
    if not done[s.key] then
      done[s.key] = true
      if counted == s.bucket and s.current > 0 then
        write(s, s.current - 1, s.previous, now)
      elseif counted == s.bucket - 1 and s.previous > 0 then
        write(s, s.current, s.previous - 1, now)
      end
    end
  end
end
