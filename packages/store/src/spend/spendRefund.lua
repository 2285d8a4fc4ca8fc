--[[
  Gives back a charge (the send it paid for never went out). Never goes below 0, keeps the key's TTL,
  and does not create a day that has no spend.

  Cluster: one key (tagged with the client).

  Input:
    KEYS[1] the day's spend: string, integer micro-USD
    ARGV[1] amount, micro-USD (integer >= 0)

  Output:
    spend after the call
]]
local key, amount = KEYS[1], tonumber(ARGV[1])

local raw = redis.call('GET', key)
if not raw then
  return 0
end
local spent = tonumber(raw)
if not spent then
  return redis.error_reply('ERR sendcode spendRefund: malformed spend counter')
end
spent = math.max(0, spent - amount)
-- %d, not the number itself: Lua would write a large one as 1e+14, which INCRBY cannot read.
redis.call('SET', key, string.format('%d', spent), 'KEEPTTL')
return spent
