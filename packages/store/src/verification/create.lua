--[[
  Creates a verification: its record hash, a timeline holding a 'created' event and a sends document
  holding send 1 (queued, step 0) and the sealed plan (when given), all with a TTL (the sends
  document gets the record's). Refuses an id already in use (record, timeline or sends present) and
  then writes nothing.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document

    ARGV[1] now, epoch ms
    ARGV[2] record TTL, seconds (until expiry plus the final-state retention)
    ARGV[3] timeline TTL, seconds
    ARGV[4] channel of plan step 0
    ARGV[5] masked destination of plan step 0
    ARGV[6] sealed plan, or '' for none
    ARGV[7...] field, value, field, value... of the record

  Output:
    1 created
    0 id already in use, nothing written
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local now, channel = tonumber(ARGV[1]), ARGV[4]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"
--- @include "../lua-includes/sends"

if redis.call('EXISTS', recordKey, timelineKey, sendsKey) > 0 then
  return 0
end

redis.call('HSET', recordKey, unpack(ARGV, 7))
redis.call('EXPIRE', recordKey, ARGV[2])
local doc = { sends = {} }
if ARGV[6] ~= '' then
  doc.plan = ARGV[6]
end
putSend(doc, { send = 1, step = 0, channel = channel, status = 'queued', queuedAt = now })
saveSends(sendsKey, doc, ARGV[2])
-- The timeline is new (EXISTS said so): pushEvent need not read it, and gives it the timeline TTL.
pushEvent(timelineKey, ARGV[3], now, 'created', { step = 0, channel = channel, to = ARGV[5] }, true)
return 1
