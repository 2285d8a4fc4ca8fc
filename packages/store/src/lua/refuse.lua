--[[
  Records a refused start (rate limit, blocked destination...) so support can see why: a record hash
  that is 'failed' from the start, kept for the final-state retention, and a timeline holding the one
  'refused' event, kept for the timeline retention. No sends document: nothing was sent. Refuses an id
  already in use (record, timeline or sends present) and then writes nothing.

  Cluster: the keys of one verification, all tagged with its id (`{id}`), so one slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline list
    KEYS[3] sends document (only checked for existence)

    ARGV[1] record TTL, seconds
    ARGV[2] timeline TTL, seconds
    ARGV[3] the 'refused' event, as a JSON object (encoded and checked by the caller)
    ARGV[4...] field, value, field, value... of the record

  Output:
    1 recorded
    0 id already in use, nothing written
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]

--- @include "includes/rows"
--- @include "includes/pushEvent"

if redis.call('EXISTS', recordKey, timelineKey, sendsKey) > 0 then
  return 0
end

redis.call('HSET', recordKey, unpack(ARGV, 4))
redis.call('EXPIRE', recordKey, ARGV[1])
local event = cjson.decode(ARGV[3])
-- The list is new, so pushEvent gives it the timeline TTL.
pushEvent(timelineKey, ARGV[2], event.at, event.type, event)
return 1
