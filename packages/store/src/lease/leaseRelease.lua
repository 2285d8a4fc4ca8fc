--[[
  Gives a lease back, if `owner` still holds it, so another process takes it at once.

  Cluster: one key.

  Input:
    KEYS[1] the lease: string, the owner's id
    ARGV[1] owner id

  Output:
    1 when released, 0 when `owner` did not hold it
]]
--- @include "../lua-includes/deleteIfEquals"
return deleteIfEquals(KEYS[1], ARGV[1])
