--[[
  API client `client` started a verification to a number prefix: counts the send in the client's own
  window of that prefix and, when the client's traffic to it now looks pumped (enough sends, too few of
  them approved), blocks the prefix for that client. Conversion is the client's own: one client, or one
  stolen key, that never confirms its codes must not switch a range off for everyone else. A range is
  suspended for every client only once `clientsToSuspendAll` distinct clients tripped it within blockMs
  (pumping rings spread over clients and keys; the prefix is what they share).

  - Suspended for everyone (block key after now): answer blocked, scope all; nothing counted.
  - Blocked for this client (client block key after now): answer blocked, scope client; nothing counted.
  - Otherwise count the send in the client's window (see lua-includes/prefixWindow). If the window's
    sends >= minSends and approvals < threshold * sends, the client has tripped the prefix:
      set the client block to now + blockMs (PX blockMs) and delete its window (it starts afresh when
      the block ends); add the client to the tripped set (score now), drop members older than blockMs,
      PEXPIRE the set blockMs (its newest member is now). If the set then holds >= clientsToSuspendAll
      clients, set the block key to now + blockMs (PX blockMs), delete the set, answer blocked,
      triggered, scope all; else answer blocked, triggered, scope client.
  The start recorded has already gone ahead (it counts towards the evaluation); a block stops the
  starts after it, which the caller checks with both block keys first.

  Memory: one window hash per client and prefix with traffic (TTL two windows), the block strings
  (TTL blockMs), the set of at most one member per client (TTL blockMs).

  Cluster: every key carries the prefix as hash tag (`...:{numberPrefix}:...`), so they share a slot.

  Input:
    KEYS[1] the client's window hash
    KEYS[2] the client's block: string, epoch ms the block ends
    KEYS[3] tripped: sorted set, client -> epoch ms it tripped the prefix
    KEYS[4] block for everyone: string, epoch ms the suspension ends

    ARGV[1] now, epoch ms
    ARGV[2] minSends
    ARGV[3] threshold: approvals / sends below which the client is blocked, 0..1
    ARGV[4] windowMs
    ARGV[5] blockMs
    ARGV[6] clientsToSuspendAll
    ARGV[7] client

  Output:
    { blocked (0|1), until (epoch ms, 0 when not blocked), triggered by this call (0|1),
      scope ('client'|'all', '' when not blocked) }
]]
local windowKey, clientBlockKey, trippedKey, blockKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, minSends, threshold, windowMs, blockMs, clientsToSuspendAll =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local client = ARGV[7]

--- @include "../lua-includes/prefixWindow"

local blocks = redis.call('MGET', blockKey, clientBlockKey)
local suspendedUntil = tonumber(blocks[1] or '')
if suspendedUntil and suspendedUntil > now then
  return { 1, suspendedUntil, 0, 'all' }
end
local blockedUntil = tonumber(blocks[2] or '')
if blockedUntil and blockedUntil > now then
  return { 1, blockedUntil, 0, 'client' }
end

local window = loadWindow(windowKey, now, windowMs)
window.sends = window.sends + 1
local sends, approvals = estimate(window, 'sends'), estimate(window, 'approvals')
if not (sends >= minSends and approvals < threshold * sends) then
  saveWindow(windowKey, window, windowMs)
  return { 0, 0, 0, '' }
end

local untilMs = now + blockMs
local untilText = string.format('%d', untilMs)
redis.call('SET', clientBlockKey, untilText, 'PX', blockMs)
redis.call('DEL', windowKey)
redis.call('ZADD', trippedKey, now, client)
redis.call('ZREMRANGEBYSCORE', trippedKey, '-inf', now - blockMs)
redis.call('PEXPIRE', trippedKey, blockMs)
if redis.call('ZCARD', trippedKey) >= clientsToSuspendAll then
  redis.call('SET', blockKey, untilText, 'PX', blockMs)
  redis.call('DEL', trippedKey)
  return { 1, untilMs, 1, 'all' }
end
return { 1, untilMs, 1, 'client' }
