--[[
  Appends an event to a verification's timeline. Writes nothing when the record is gone: a late
  event must not resurrect a verification that expired or was cleaned up.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)

    ARGV[1] the event, as a JSON object (encoded and checked by the caller)
    ARGV[2] timeline retention, seconds (used only if the timeline is gone and this event starts it again)

  Output:
    1 appended
    0 no such verification, nothing written
]]
local recordKey, timelineKey = KEYS[1], KEYS[2]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"

if redis.call('EXISTS', recordKey) == 0 then
  return 0
end
local event = cjson.decode(ARGV[1])
pushEvent(timelineKey, ARGV[2], event.at, event.type, event)
return 1
