--[[
  Charges one send to a client's spend for a UTC day, unless that would take it over the cap: the
  check and the increment are one step, so concurrent sends cannot overshoot the cap together.

  Cluster: one key (tagged with the client, so a client's keys share a slot).

  Input:
    KEYS[1] the day's spend: string, integer micro-USD
    ARGV[1] amount, micro-USD (integer >= 0)
    ARGV[2] cap, micro-USD, or '' for none
    ARGV[3] key TTL, seconds (set when the key is created)

  Output:
    { charged (0|1), spend after the call }
]]
local key, amount, capArg, ttl = KEYS[1], tonumber(ARGV[1]), ARGV[2], ARGV[3]

local spent = tonumber(redis.call('GET', key) or '0')
if not spent then
  return redis.error_reply('ERR sendcode spendCharge: malformed spend counter')
end
if capArg ~= '' and spent + amount > tonumber(capArg) then
  return { 0, spent }
end
spent = redis.call('INCRBY', key, ARGV[1])
if redis.call('TTL', key) == -1 then
  redis.call('EXPIRE', key, ttl)
end
return { 1, spent }
