--[[
  Counts one send against a destination's limits, all or nothing: a resend or a failover to a
  destination counts like the start that first sent to it, so a plan's fallbacks and resends cannot
  send past the destination's windows.

  1. The token is already in every log (this send was counted before: a retried job, or the
     resend route counted it and the worker counts again): answer charged, nothing changes.
  2. Otherwise drop stale entries and find the first full rule: answer limited with its number and
     how long until one more send fits. Nothing is added.
  3. Else add the token to every log and answer charged.

  Cluster: every key carries the client as its hash tag, like admit.lua.

  Input:
    KEYS[1...] one sliding-window log per rule (the destination's windows)

    ARGV[1] now, epoch ms
    ARGV[2] send token (unique per verification and send number)
    ARGV[3...] limit, windowMs for each rule in KEYS order

  Output:
    { 'charged' }
    { 'limited', rule number (1-based), ms until a send would pass that rule (>= 1) }
]]
local nowArg, token = ARGV[1], ARGV[2]
local now = tonumber(nowArg)

--- @include "../lua-includes/slidingWindow"

local counted = true
for k = 1, #KEYS do
  if not redis.call('ZSCORE', KEYS[k], token) then
    counted = false
  end
end
if counted then
  return { 'charged' }
end

local rule, retryAfter = fullRule(1, #KEYS, 2, now)
if rule then
  return { 'limited', rule, retryAfter }
end
addToLogs(1, #KEYS, 2, nowArg, token)
return { 'charged' }
