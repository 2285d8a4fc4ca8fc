--[[
  Counts one send against a destination's limits, all or nothing: a resend or a failover to a
  destination counts like the start that first sent to it, so a plan's fallbacks and resends cannot
  send past the destination's windows.

  1. The send's mark exists (this send was counted before: a retried job, or the resend route counted
     it and the worker counts again): answer charged, nothing changes.
  2. Otherwise find the first rule one more send would take over its limit: answer limited with its
     number and how long until one more send fits. Nothing is written.
  3. Else count the send in every rule's counter (lua-includes/slidingCounter), set the mark for the
     TTL given and answer charged.

  Cluster: every key carries the client as its hash tag, like admit.lua.

  Input:
    KEYS[1]    the send's mark: a string kept while a repeated call could come (the verification's life)
    KEYS[2...] one sliding-window counter per rule (the destination's windows)

    ARGV[1] now, epoch ms
    ARGV[2] mark TTL, ms
    ARGV[3...] limit, windowMs for each rule in KEYS order

  Output:
    { 'charged' }
    { 'limited', rule number (1-based), ms until a send would pass that rule (>= 1) }
]]
local markKey, markTtl = KEYS[1], ARGV[2]
local now = tonumber(ARGV[1])

--- @include "../lua-includes/slidingCounter"

if redis.call('EXISTS', markKey) == 1 then
  return { 'charged' }
end

local list = counterRules(2, #KEYS, 2, now)
local rule, wait = fullRule(list, now)
if rule then
  return { 'limited', rule, wait }
end
countIn(list, now)
redis.call('SET', markKey, '1', 'PX', markTtl)
return { 'charged' }
