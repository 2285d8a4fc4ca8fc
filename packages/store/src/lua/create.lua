--[[
  Creates a verification: its record hash, a timeline holding a 'created' event and a sends hash
  holding send 1 (queued) and the sealed plan (field 'plan', when given), all with a TTL (the sends
  hash gets the record's). Refuses an id already in
  use (record, timeline or sends present) and then writes nothing.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline list
    KEYS[3] sends hash

    ARGV[1] now, epoch ms
    ARGV[2] record TTL, seconds (until expiry plus the final-state retention)
    ARGV[3] timeline TTL, seconds
    ARGV[4] channel of plan step 0
    ARGV[5] masked destination of plan step 0
    ARGV[6] send 1, as JSON (status 'queued')
    ARGV[7] sealed plan, or '' for none
    ARGV[8...] field, value, field, value... of the record

  Output:
    1 created
    0 id already in use, nothing written
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]

--- @include "includes/pushEvent"

if redis.call('EXISTS', recordKey, timelineKey, sendsKey) > 0 then
  return 0
end

redis.call('HSET', recordKey, unpack(ARGV, 8))
redis.call('EXPIRE', recordKey, ARGV[2])
redis.call('HSET', sendsKey, '1', ARGV[6])
if ARGV[7] ~= '' then
  redis.call('HSET', sendsKey, 'plan', ARGV[7])
end
redis.call('EXPIRE', sendsKey, ARGV[2])
-- The list is new, so pushEvent gives it the timeline TTL.
pushEvent(timelineKey, ARGV[3], tonumber(ARGV[1]), 'created', { step = 0, channel = ARGV[4], to = ARGV[5] })
return 1
