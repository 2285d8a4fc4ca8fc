--[[
  Records a refused start (rate limit, blocked destination...) so support can see why, at a bounded
  cost: one record per refusal id, which the caller derives from (client, destination, reason, rule,
  window), so repeats of one refusal count on that record instead of storing another one.

  - A refusal record under this id: one more refusal — `refusedCount` + 1, `refusedLastAt` and
    `updatedAt` move to now, record and timeline kept `ttl` from now. Nothing else changes: the
    first refusal's plan, purpose and event stay.
  - Nothing under this id, and ARGV[3] is '1': a record that is 'failed' from the start (the fields
    given, then `refusedCount` 1 and `refusedLastAt` now) and a timeline holding the one 'refused'
    event, both kept `ttl`. No sends document: nothing was sent.
  - Nothing under this id, and ARGV[3] is '0': nothing written (the caller asks its quota first).
  - A verification that is not a refusal under this id (record, timeline or sends present): nothing
    written.

  Cluster: the keys of one verification, all tagged with its id (`{id}`), so one slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document (only checked for existence)

    ARGV[1] now, epoch ms
    ARGV[2] TTL of record and timeline, seconds
    ARGV[3] '1' to create the record when there is none, '0' to only count an existing one
    ARGV[4] the 'refused' event, as a JSON object (encoded and checked by the caller)
    ARGV[5...] field, value, field, value... of the record

  Output:
    { 1, 1, createdAt }      created
    { 2, count, createdAt }  counted on the existing refusal
    { 0 }                    none under this id, and not asked to create one
    { -1 }                   id in use by a verification that is not a refusal
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local now, ttl, create = ARGV[1], ARGV[2], ARGV[3]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"

local existing = redis.call('HMGET', recordKey, 'refusedReason', 'createdAt')
if existing[1] then
  local count = redis.call('HINCRBY', recordKey, 'refusedCount', 1)
  redis.call('HSET', recordKey, 'refusedLastAt', now, 'updatedAt', now)
  redis.call('EXPIRE', recordKey, ttl)
  redis.call('EXPIRE', timelineKey, ttl)
  return { 2, count, existing[2] }
end

if redis.call('EXISTS', recordKey, timelineKey, sendsKey) > 0 then
  return { -1 }
end
if create ~= '1' then
  return { 0 }
end

redis.call('HSET', recordKey, 'refusedCount', 1, 'refusedLastAt', now, unpack(ARGV, 5))
redis.call('EXPIRE', recordKey, ttl)
local event = cjson.decode(ARGV[4])
-- The list is new, so pushEvent gives it the TTL.
pushEvent(timelineKey, ttl, event.at, event.type, event)
return { 1, 1, now }
