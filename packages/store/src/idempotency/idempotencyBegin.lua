--[[
  Claims an idempotency key for one request, or says what became of an earlier one with that key.

  The key is a hash: state ('in_progress' | 'done'), bodyHash, startedAt, and once done status and body.
  - absent (never used, expired, abandoned, or its in-progress lock ran out): claim it, in_progress,
    with a PX of lockMs so a request that crashed does not hold it for ever. Answer new.
  - held with another body hash, in progress or done: answer mismatch.
  - in progress with this body hash: answer in_progress (the caller answers 409, the client retries).
  - done with this body hash: answer replay with the stored status and body.

  Cluster: one key (tagged with the client, so a client's keys share a slot).

  Input:
    KEYS[1] idempotency hash
    ARGV[1] body hash of this request
    ARGV[2] now, epoch ms
    ARGV[3] lock, ms

  Output:
    { 'new' } | { 'in_progress' } | { 'mismatch' } | { 'replay', status, body }
]]
local key, bodyHash, now, lockMs = KEYS[1], ARGV[1], ARGV[2], ARGV[3]

local fields = redis.call('HMGET', key, 'state', 'bodyHash', 'status', 'body')
local state = fields[1]
if not state then
  redis.call('HSET', key, 'state', 'in_progress', 'bodyHash', bodyHash, 'startedAt', now)
  redis.call('PEXPIRE', key, lockMs)
  return { 'new' }
end
if fields[2] ~= bodyHash then
  return { 'mismatch' }
end
if state == 'in_progress' then
  return { 'in_progress' }
end
if state == 'done' and fields[3] and fields[4] then
  return { 'replay', tonumber(fields[3]), fields[4] }
end
return redis.error_reply('ERR sendcode idempotencyBegin: malformed idempotency entry')
