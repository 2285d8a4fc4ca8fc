--[[
  A verification to a number prefix was approved: counts it in the prefix's window (see
  includes/prefixWindow), raising the conversion its next start is judged by.

  Cluster: one key, tagged with the prefix.

  Input:
    KEYS[1] window hash
    ARGV[1] now, epoch ms
    ARGV[2] windowMs

  Output:
    1
]]
local windowKey, now, windowMs = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])

--- @include "includes/prefixWindow"

local window = loadWindow(windowKey, now, windowMs)
window.approvals = window.approvals + 1
saveWindow(windowKey, window, windowMs)
return 1
