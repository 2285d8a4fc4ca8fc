--[[
  Appends one timeline event, encoded here with cjson so the JSON is always well-formed.

  Input:
    timelineKey        the verification's timeline list
    timelineRetention  seconds; applied only when this push created the list (normally at create).
                       An existing list keeps the TTL it got then: no TTL check per event.
    now                epoch ms, as a number (13 digits: within cjson's 14-digit precision)
    eventType          one of the store's EVENT_TYPES
    extra              optional table of more fields (step, channel, to, detail)
]]
local function pushEvent(timelineKey, timelineRetention, now, eventType, extra)
  local event = { at = now, type = eventType }
  if extra then
    for name, value in pairs(extra) do
      event[name] = value
    end
  end
  if redis.call('RPUSH', timelineKey, cjson.encode(event)) == 1 then
    redis.call('EXPIRE', timelineKey, timelineRetention)
  end
end
