--[[
  Checks a code against a verification: an atomic compare-and-count, for one API client. A
  verification of another client is answered exactly as none, and nothing is read out of it or
  written to it, so ids cannot be probed or guessed against across clients.

  Every wrong code counts against the one `attempts` counter, whatever the status, so guesses are
  bounded over the verification's whole life and not just while it is pending; the counter stops at
  maxAttempts (a wrong code past it counts nothing and writes nothing). Each count appends one
  'check_invalid' event, so the timeline grows by at most maxAttempts of them. The right code is
  counted only where it no longer works (expired, locked, canceled, failed), so the count says nothing
  about whether a guess was right.

  - pending, past expiresAt: becomes expired, then is answered as an expired one.
  - pending, hash matches: becomes approved.
  - pending, mismatch: counted; at maxAttempts it becomes locked.
  - approved, hash matches, attempts left: valid (an idempotent re-check; nothing is written).
  - approved, attempts used up: not valid, even with the right code; the status stays approved (that
    is what happened to the user), so the caller tells "over" from "approved" by `valid`.
  - expired, locked, canceled, failed: not valid; every check is counted (a locked one has none left).
  Every move to a final status deletes the sealed code and plan and shortens the TTL of the record and
  its sends to the retention. Hashes are compared without an early exit.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document

    ARGV[1] now, epoch ms
    ARGV[2] final-state retention, seconds
    ARGV[3] timeline retention, seconds (used only if the timeline is gone and this event starts it again)
    ARGV[4] the API client checking
    ARGV[5...] key id, HMAC of the code typed under that key, key id, HMAC, ...: the HMAC of the key
               the record names (`keyId`) is the one compared, else the first (the current key's)

  Output:
    false when there is no such verification or it is another client's, otherwise
    { valid (0|1), status, remainingAttempts, transitioned (0|1), the record as it was before this
      check, as HGETALL answers it (field, value, ...) }
    transitioned is 1 only when this check changed the status (approved, locked or expired by it).
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local nowArg, retention, timelineRetention, client = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now = tonumber(nowArg)

--- @include "../lua-includes/constantTimeEqual"
--- @include "../lua-includes/rows"
--- @include "../lua-includes/sends"
--- @include "../lua-includes/finalize"
--- @include "../lua-includes/pushEvent"

local flat = redis.call('HGETALL', recordKey)
local record = {}
for i = 1, #flat, 2 do
  record[flat[i]] = flat[i + 1]
end
local status = record.status
if not status or record.client ~= client then
  return false
end
local storedHash, attempts, maxAttempts, expiresAt = record.codeHash, tonumber(record.attempts),
  tonumber(record.maxAttempts), tonumber(record.expiresAt)
if not (storedHash and attempts and maxAttempts and expiresAt) then
  return redis.error_reply('ERR sendcode check: malformed verification record')
end
local codeHash = ARGV[6]
for i = 5, #ARGV - 1, 2 do
  if ARGV[i] == record.keyId then
    codeHash = ARGV[i + 1]
  end
end

local function reply(valid, newStatus, transitioned)
  local remaining = math.max(0, maxAttempts - attempts)
  return { valid and 1 or 0, newStatus, remaining, transitioned and 1 or 0, flat }
end

local matches = constantTimeEqual(storedHash, codeHash)

-- One more wrong attempt, unless they are used up. `after` is the final status it came after (nil
-- while pending), so support can tell a guess after the end from a typo before it.
local function countWrong(after)
  if attempts >= maxAttempts then
    return
  end
  attempts = redis.call('HINCRBY', recordKey, 'attempts', 1)
  local detail = { attempt = attempts, status = after }
  pushEvent(timelineKey, timelineRetention, now, 'check_invalid', { detail = detail })
end

local transitioned = false
if status == 'pending' and now >= expiresAt then
  finalize(recordKey, sendsKey, 'expired', nowArg, retention)
  pushEvent(timelineKey, timelineRetention, now, 'expired')
  status, transitioned = 'expired', true
end

if status == 'pending' then
  if matches then
    finalize(recordKey, sendsKey, 'approved', nowArg, retention)
    pushEvents(timelineKey, timelineRetention, now, { { 'check_valid' }, { 'approved' } })
    return reply(true, 'approved', true)
  end
  countWrong(nil)
  if attempts >= maxAttempts then
    finalize(recordKey, sendsKey, 'locked', nowArg, retention)
    pushEvent(timelineKey, timelineRetention, now, 'locked')
    return reply(false, 'locked', true)
  end
  redis.call('HSET', recordKey, 'updatedAt', nowArg)
  return reply(false, 'pending', false)
end

-- A final status; updatedAt stays the time it was reached. Only an approved verification with
-- attempts left passes the right code. On the other final statuses no code is right any more, so
-- every check counts: were the right one spared, remainingAttempts would tell a guesser it was right.
if matches and status == 'approved' then
  return reply(attempts < maxAttempts, status, transitioned)
end
countWrong(status)
return reply(false, status, transitioned)
