--[[
  Ends a pending verification from outside a check: cancel (caller's request) or failed (every
  delivery option exhausted). A verification already final is left as it is; one past its expiresAt
  becomes expired instead.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document

    ARGV[1] now, epoch ms
    ARGV[2] target status: 'canceled' | 'failed'
    ARGV[3] event type to append: 'canceled' | 'delivery_failed'
    ARGV[4] JSON object of event detail, or '' for none
    ARGV[5] final-state retention, seconds
    ARGV[6] timeline retention, seconds (used only if the timeline is gone and this event starts it again)

  Output:
    false when there is no such verification, otherwise
    { status after the call, transitioned (0|1) }
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local nowArg, target, eventType, detailJson, retention, timelineRetention =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local now = tonumber(nowArg)

--- @include "../lua-includes/rows"
--- @include "../lua-includes/sends"
--- @include "../lua-includes/finalize"
--- @include "../lua-includes/pushEvent"

local fields = redis.call('HMGET', recordKey, 'status', 'expiresAt')
local status, expiresAt = fields[1], tonumber(fields[2])
if not status then
  return false
end
if not expiresAt then
  return redis.error_reply('ERR sendcode finish: malformed verification record')
end
if status ~= 'pending' then
  return { status, 0 }
end

if now >= expiresAt then
  finalize(recordKey, sendsKey, 'expired', nowArg, retention)
  pushEvent(timelineKey, timelineRetention, now, 'expired')
  return { 'expired', 1 }
end

local extra = nil
if detailJson ~= '' then
  extra = { detail = cjson.decode(detailJson) }
end
finalize(recordKey, sendsKey, target, nowArg, retention)
pushEvent(timelineKey, timelineRetention, now, eventType, extra)
return { target, 1 }
