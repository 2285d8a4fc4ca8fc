--[[
  Sliding-window logs: one ZSET per rule, member = token, score = epoch ms of the start or send it
  counts. Exact at any instant, so a burst at a window boundary cannot pass twice the limit as it
  could with fixed windows.

  fullRule(first, last, argBase, now): for KEYS[first..last], the rule of KEYS[k] having its limit
  and window at ARGV[argBase + 2(k - first) + 1] and the next ARGV: drops entries that left the window
  and answers the number (1-based, in that range) of the first rule already at its limit and the ms
  until one more entry fits (>= 1); nil when every rule has room.

  addToLogs(first, last, argBase, nowArg, token): adds `token` to each of those logs (PEXPIRE window,
  which its newest entry cannot outlive). Adding a token a log holds already counts it once.
]]
local function fullRule(first, last, argBase, now)
  for k = first, last do
    local n = k - first + 1
    local key, limit, window = KEYS[k], tonumber(ARGV[argBase + 2 * n - 1]), tonumber(ARGV[argBase + 2 * n])
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    local count = redis.call('ZCARD', key)
    if count >= limit then
      -- Once the (count - limit + 1) oldest entries have left, one more fits.
      local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
      return n, math.max(1, tonumber(entry[2]) + window - now)
    end
  end
  return nil
end

local function addToLogs(first, last, argBase, nowArg, token)
  for k = first, last do
    local n = k - first + 1
    redis.call('ZADD', KEYS[k], nowArg, token)
    redis.call('PEXPIRE', KEYS[k], ARGV[argBase + 2 * n])
  end
end
