--[[
  Appends one timeline event. An event is stored as the JSON array of its fields in EVENT_FIELDS
  order (lua-includes/rows, which this needs): a fifth fewer bytes in Redis than an object, and the
  timeline is what a verification keeps longest. The type leads, and `to` comes before `provider`:
  the events that name a destination without a provider ('created', 'failover', 'resend') then
  need no null. `events.ts` reads the same layout (and the rows led by `at`, and the objects,
  written before it).

  Input:
    timelineKey        the verification's timeline list
    timelineRetention  seconds; applied only when this push created the list (normally at create).
                       An existing list keeps the TTL it got then: no TTL check per event.
    now                epoch ms, as a number (13 digits: within cjson's 14-digit precision)
    eventType          one of the store's EVENT_TYPES
    extra              optional table of more fields (step, channel, provider, to, detail); others are
                       dropped
]]
local EVENT_FIELDS = { 'type', 'at', 'step', 'channel', 'to', 'provider', 'detail' }

local function pushEvent(timelineKey, timelineRetention, now, eventType, extra)
  local event = { at = now, type = eventType }
  for name, value in pairs(extra or {}) do
    if name ~= 'at' and name ~= 'type' then
      event[name] = value
    end
  end
  if redis.call('RPUSH', timelineKey, cjson.encode(toRow(EVENT_FIELDS, event))) == 1 then
    redis.call('EXPIRE', timelineKey, timelineRetention)
  end
end
