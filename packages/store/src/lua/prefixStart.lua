--[[
  A verification was started to a number prefix: counts the send and, when the prefix now looks
  pumped (enough sends, too few of them approved), blocks it. Global across API clients: pumping
  rings spread over clients and keys, the prefix is what they share.

  - Blocked already (block key holds a time after now): answer blocked with that time; nothing counted.
  - Otherwise count the send in the window (see includes/prefixWindow). If the window's sends >= minSends
    and approvals < threshold * sends, set the block key to now + blockMs (PX blockMs), delete the
    window (the prefix starts afresh when the block ends) and answer blocked, triggered.
  The start recorded has already gone ahead (it counts towards the evaluation); a block stops the
  starts after it, which the caller checks with the block key first.

  Cluster: both keys carry the prefix as hash tag (`...:{numberPrefix}:...`), so they share a slot.

  Input:
    KEYS[1] window hash
    KEYS[2] block key: string, epoch ms the block ends

    ARGV[1] now, epoch ms
    ARGV[2] minSends
    ARGV[3] threshold: approvals / sends below which the prefix is blocked, 0..1
    ARGV[4] windowMs
    ARGV[5] blockMs

  Output:
    { blocked (0|1), until (epoch ms, 0 when not blocked), triggered by this call (0|1) }
]]
local windowKey, blockKey = KEYS[1], KEYS[2]
local now, minSends, threshold, windowMs, blockMs =
  tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])

--- @include "includes/prefixWindow"

local blockedUntil = tonumber(redis.call('GET', blockKey) or '')
if blockedUntil and blockedUntil > now then
  return { 1, blockedUntil, 0 }
end

local window = loadWindow(windowKey, now, windowMs)
window.sends = window.sends + 1
local sends, approvals = estimate(window, 'sends'), estimate(window, 'approvals')
if sends >= minSends and approvals < threshold * sends then
  local untilMs = now + blockMs
  redis.call('SET', blockKey, string.format('%d', untilMs), 'PX', blockMs)
  redis.call('DEL', windowKey)
  return { 1, untilMs, 1 }
end
saveWindow(windowKey, window, windowMs)
return { 0, 0, 0 }
