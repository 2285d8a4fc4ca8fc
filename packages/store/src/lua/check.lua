--[[
  Checks a code against a verification: an atomic compare-and-count.

  - approved: valid iff the hash matches; nothing is counted or written (idempotent success).
  - expired, locked, canceled, failed: not valid; nothing is counted or written.
  - pending, past expiresAt: becomes expired.
  - pending, hash matches: becomes approved.
  - pending, mismatch: one more wrong attempt; at maxAttempts it becomes locked.
  Every move to a final status deletes the sealed code and plan and shortens the TTL of the record and
  its sends to the retention. Hashes are compared without an early exit.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline list
    KEYS[3] sends document

    ARGV[1] HMAC of the code typed
    ARGV[2] now, epoch ms
    ARGV[3] final-state retention, seconds
    ARGV[4] timeline retention, seconds (used only if the timeline is gone and this event starts it again)

  Output:
    false when there is no such verification, otherwise
    { valid (0|1), status, remainingAttempts, transitioned (0|1), channel, createdAt }
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local codeHash, nowArg, retention, timelineRetention = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now = tonumber(nowArg)

--- @include "includes/constantTimeEqual"
--- @include "includes/rows"
--- @include "includes/sends"
--- @include "includes/finalize"
--- @include "includes/pushEvent"

local fields = redis.call('HMGET', recordKey, 'status', 'codeHash', 'attempts', 'maxAttempts', 'expiresAt',
  'channel', 'createdAt')
local status = fields[1]
if not status then
  return false
end
local storedHash, attempts, maxAttempts, expiresAt = fields[2], tonumber(fields[3]), tonumber(fields[4]),
  tonumber(fields[5])
if not (storedHash and attempts and maxAttempts and expiresAt and fields[6] and fields[7]) then
  return redis.error_reply('ERR sendcode check: malformed verification record')
end

local function reply(valid, newStatus, transitioned)
  local remaining = math.max(0, maxAttempts - attempts)
  return { valid and 1 or 0, newStatus, remaining, transitioned and 1 or 0, fields[6], fields[7] }
end

if status == 'approved' then
  return reply(constantTimeEqual(storedHash, codeHash), status, false)
end
if status ~= 'pending' then
  return reply(false, status, false)
end

if now >= expiresAt then
  finalize(recordKey, sendsKey, 'expired', nowArg, retention)
  pushEvent(timelineKey, timelineRetention, now, 'expired')
  return reply(false, 'expired', true)
end

if constantTimeEqual(storedHash, codeHash) then
  finalize(recordKey, sendsKey, 'approved', nowArg, retention)
  pushEvent(timelineKey, timelineRetention, now, 'check_valid')
  pushEvent(timelineKey, timelineRetention, now, 'approved')
  return reply(true, 'approved', true)
end

attempts = redis.call('HINCRBY', recordKey, 'attempts', 1)
pushEvent(timelineKey, timelineRetention, now, 'check_invalid', { detail = { attempt = attempts } })
if attempts >= maxAttempts then
  finalize(recordKey, sendsKey, 'locked', nowArg, retention)
  pushEvent(timelineKey, timelineRetention, now, 'locked')
  return reply(false, 'locked', true)
end
redis.call('HSET', recordKey, 'updatedAt', nowArg)
return reply(false, 'pending', false)
