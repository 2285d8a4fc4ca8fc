--[[
  Admits one start of an API client, all or nothing: either it resumes the client's pending
  verification for the same destination and purpose, or it checks every rate-limit rule and, when all
  pass, counts the start in each and points the pending index at the new verification.

  1. The pending index names a verification other than the one to ignore: answer resume with it.
     Nothing is checked or written.
  2. For each rule in KEYS order, estimate the starts in its sliding window. The first rule that one
     more start would take over its limit refuses: answer limited with the rule's number and how long
     until one more start fits. Nothing is written.
  3. Every rule passed: count the start in each rule's current bucket, SET the pending index to the
     new id (PX the TTL given: a short claim, which the start confirms for the verification's lifetime
     once it is created — see pendingConfirm.lua), answer admitted.

  Limits are sliding-window counters (lua-includes/slidingCounter): two bucket counts per rule, not
  one entry per start. Two rules with the same counter (same scope, key and window) count one start
  once.

  Cluster: every key carries the client as its hash tag (`...:{client}:...`), so all of them hash to
  the client's slot and the script may touch them together.

  Input:
    KEYS[1]     pending index: string, the id of the client's pending verification for (lookupHash, purpose)
    KEYS[2...]  one sliding-window counter per rule: string "bucket:current:previous"

    ARGV[1] now, epoch ms
    ARGV[2] id of the verification this start would create
    ARGV[3] pending index TTL, ms
    ARGV[4] id to ignore in the pending index (a verification the caller knows is over), or ''
    ARGV[5...] limit, windowMs for each rule in KEYS order: rule i (1-based) at ARGV[3 + 2i], ARGV[4 + 2i]

  Output:
    { 'admitted' }
    { 'resume', id }
    { 'limited', rule number (1-based), ms until a start would pass that rule (>= 1) }
]]
local pendingKey = KEYS[1]
local newId, pendingTtl, ignoreId = ARGV[2], ARGV[3], ARGV[4]
local now = tonumber(ARGV[1])

--- @include "../lua-includes/slidingCounter"

-- One read of the pending index and every counter.
local stored = redis.call('MGET', unpack(KEYS))
local pending = stored[1]
if pending and pending ~= ignoreId then
  return { 'resume', pending }
end

local list = counterRules(2, #KEYS, 4, now, stored)
local rule, wait = fullRule(list, now)
if rule then
  return { 'limited', rule, wait }
end
countIn(list, now)
redis.call('SET', pendingKey, newId, 'PX', pendingTtl)
return { 'admitted' }
