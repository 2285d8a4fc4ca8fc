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

-- Counted first and taken back if over the cap (rare): one command for a charge, not three.
local spent = redis.pcall('INCRBY', key, ARGV[1])
if type(spent) == 'table' then
  if string.find(spent.err, 'not an integer', 1, true) then
    return redis.error_reply('ERR sendcode spendCharge: malformed spend counter')
  end
  return spent -- a full Redis's OOM and the like, as Redis gave it
end
if capArg ~= '' and spent > tonumber(capArg) then
  return { 0, redis.call('DECRBY', key, ARGV[1]) }
end
-- The day's first charge made the key (or found it at 0): only then can it lack its TTL.
if spent == amount and redis.call('TTL', key) == -1 then
  redis.call('EXPIRE', key, ttl)
end
return { 1, spent }
