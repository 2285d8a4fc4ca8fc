--[[
  A verification of one API client to a number prefix was approved: counts it in that client's window
  of the prefix (see lua-includes/prefixWindow), raising the conversion the client's next start to it is
  judged by. Another client's approvals do not vouch for this one's traffic.

  Cluster: one key, tagged with the prefix.

  Input:
    KEYS[1] the client's window hash
    ARGV[1] now, epoch ms
    ARGV[2] windowMs

  Output:
    1
]]
local windowKey, now, windowMs = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])

--- @include "../lua-includes/prefixWindow"

local window = loadWindow(windowKey, now, windowMs)
window.approvals = window.approvals + 1
saveWindow(windowKey, window, windowMs)
return 1
