--[[
  Starts another send of the same code at a plan step (a failover or a resend), if the verification
  may still take one. Checks, in this order, and writes nothing when one fails:
    - the step exists in the plan and has the channel given (else the caller is confused);
    - the verification is pending and not past expiresAt;
    - when an expected send is given, the latest send is that one: someone else (another worker, a
      receipt, a resend) already moved on otherwise. This makes failover idempotent;
    - when a required send status is given, that send (the expected one, else the latest) has it;
    - fewer than maxSends sends were made (checked before the cooldown: waiting would not help);
    - when a cooldown is given, at least that long has passed since the latest send.
  Then: sends + 1, step, channel, lastSendAt and updatedAt on the record, the new send queued in the
  sends document (which keeps its TTL, the record's), and the caller's event appended with `detail.send` set to
  the new send's number.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document

    ARGV[1] now, epoch ms
    ARGV[2] plan step to send to
    ARGV[3] its channel
    ARGV[4] maxSends
    ARGV[5] expected latest send number, or ''
    ARGV[6] required status of that send, or ''
    ARGV[7] cooldown, ms, or ''
    ARGV[8] the event ('failover' | 'resend'), as JSON (encoded and checked by the caller)
    ARGV[9] timeline retention, seconds (used only if the timeline is gone and this event starts it again)

  Output:
    { 'ok', new send number }
    { 'gone' } | { 'not_pending', status } | { 'expired' } | { 'superseded' } | { 'send_limit' }
    | { 'cooldown', ms until allowed } | { 'invalid_step' }
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local nowArg, stepArg, channel, expectedSend, requiredStatus, cooldownArg, eventJson, timelineRetention =
  ARGV[1], ARGV[2], ARGV[3], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local now, step, maxSends = tonumber(nowArg), tonumber(stepArg), tonumber(ARGV[4])

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"
--- @include "../lua-includes/sends"

local fields = redis.call('HMGET', recordKey, 'status', 'expiresAt', 'sends', 'planMasked', 'lastSendAt',
  'createdAt')
local status = fields[1]
if not status then
  return { 'gone' }
end
local expiresAt, sends, lastSendAt = tonumber(fields[2]), tonumber(fields[3]), tonumber(fields[5] or fields[6])
if not (expiresAt and sends and lastSendAt and fields[4]) then
  return redis.error_reply('ERR sendcode advance: malformed verification record')
end

-- A step is [channel, to]; records written before hold { channel, to }.
local target = cjson.decode(fields[4])[step + 1]
if type(target) ~= 'table' or (target[1] or target.channel) ~= channel then
  return { 'invalid_step' }
end
if status ~= 'pending' then
  return { 'not_pending', status }
end
if now >= expiresAt then
  return { 'expired' }
end
if expectedSend ~= '' and tonumber(expectedSend) ~= sends then
  return { 'superseded' }
end
local doc = loadSends(sendsKey)
if not doc then
  return { 'gone' }
end
if requiredStatus ~= '' then
  local latest = getSend(doc, expectedSend ~= '' and tonumber(expectedSend) or sends)
  if not latest or latest.status ~= requiredStatus then
    return { 'superseded' }
  end
end
if sends >= maxSends then
  return { 'send_limit' }
end
if cooldownArg ~= '' then
  local waited = now - lastSendAt
  local cooldown = tonumber(cooldownArg)
  if waited < cooldown then
    return { 'cooldown', cooldown - waited }
  end
end

local send = sends + 1
redis.call('HSET', recordKey, 'sends', send, 'step', stepArg, 'channel', channel, 'lastSendAt', nowArg,
  'updatedAt', nowArg)
putSend(doc, { send = send, step = step, channel = channel, status = 'queued', queuedAt = now })
saveSends(sendsKey, doc)

local event = cjson.decode(eventJson)
event.detail = event.detail or {}
event.detail.send = send
pushEvent(timelineKey, timelineRetention, event.at, event.type, event)
return { 'ok', send }
