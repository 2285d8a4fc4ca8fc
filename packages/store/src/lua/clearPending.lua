--[[
  Drops a client's pending index entry when it still names the verification given (that verification
  became final), so the next start creates a new one instead of resuming it.

  Cluster: one key (in the client's slot, like the rest of admission).

  Input:
    KEYS[1] pending index
    ARGV[1] verification id

  Output:
    1 cleared, 0 it named another verification or nothing
]]
--- @include "includes/deleteIfEquals"

return deleteIfEquals(KEYS[1], ARGV[1])
