--[[
  Admits one start of an API client, all or nothing: either it resumes the client's pending
  verification for the same destination and purpose, or it checks every rate-limit rule and, when all
  pass, consumes one slot of each and points the pending index at the new verification.

  1. The pending index names a verification other than the one to ignore: answer resume with it.
     Nothing is checked or written.
  2. For each rule in KEYS order: drop the log's entries that left its window (score <= now - window)
     and count the rest. The first rule holding `limit` entries or more refuses: answer limited with
     the rule's number and how long until enough entries leave the window for one more start. No log
     gains an entry (dropping stale entries consumes nothing).
  3. Every rule passed: add the token to each log, SET the pending index to the new id (PX the TTL
     given: a short claim, which the start confirms for the verification's lifetime once it is
     created — see pendingConfirm.lua), answer admitted.

  Limits are sliding-window logs (lua-includes/slidingWindow), one member per admitted start. Two rules
  with the same log (same scope, key and window) count one start once.

  Cluster: every key carries the client as its hash tag (`...:{client}:...`), so all of them hash to
  the client's slot and the script may touch them together.

  Input:
    KEYS[1]     pending index: string, the id of the client's pending verification for (lookupHash, purpose)
    KEYS[2...]  one sliding-window log per rule: ZSET, member = start token, score = epoch ms

    ARGV[1] now, epoch ms
    ARGV[2] start token (unique per start)
    ARGV[3] id of the verification this start would create
    ARGV[4] pending index TTL, ms
    ARGV[5] id to ignore in the pending index (a verification the caller knows is over), or ''
    ARGV[6...] limit, windowMs for each rule in KEYS order: rule i (1-based) at ARGV[4 + 2i], ARGV[5 + 2i]

  Output:
    { 'admitted' }
    { 'resume', id }
    { 'limited', rule number (1-based), ms until a start would pass that rule (>= 1) }
]]
local pendingKey = KEYS[1]
local nowArg, token, newId, pendingTtl, ignoreId = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local now = tonumber(nowArg)

--- @include "../lua-includes/slidingWindow"

local pending = redis.call('GET', pendingKey)
if pending and pending ~= ignoreId then
  return { 'resume', pending }
end

local rule, retryAfter = fullRule(2, #KEYS, 5, now)
if rule then
  return { 'limited', rule, retryAfter }
end
addToLogs(2, #KEYS, 5, nowArg, token)
redis.call('SET', pendingKey, newId, 'PX', pendingTtl)
return { 'admitted' }
