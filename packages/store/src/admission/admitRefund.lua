--[[
  Takes back one admitted start whose verification could not be created: while the pending index
  still names that verification, deletes it and takes the start out of every rule's counter (the
  bucket it was counted in, if that still counts). The pending entry is what proves the start was
  admitted and not refunded yet, so this is idempotent, and a start whose admission never ran (its
  answer was lost before the script) takes nothing back. Once the entry is gone — replaced by a later
  start, or its short claim lapsed — the start stays counted: a limit may count one start too many,
  never one too few.

  Cluster: same keys, so same slot, as admit.lua (the client's hash tag).

  Input:
    KEYS[1]     pending index
    KEYS[2...]  the rules' sliding-window counters

    ARGV[1] id of the verification the start was for
    ARGV[2] now, epoch ms
    ARGV[3] when the start was admitted (its `now`), epoch ms
    ARGV[4...] limit, windowMs for each rule in KEYS order, as admit.lua

  Output:
    1 taken back, 0 nothing to take back
]]
local pendingKey, id = KEYS[1], ARGV[1]
local now, startedAt = tonumber(ARGV[2]), tonumber(ARGV[3])

--- @include "../lua-includes/deleteIfEquals"
--- @include "../lua-includes/slidingCounter"

if deleteIfEquals(pendingKey, id) == 0 then
  return 0
end
refundIn(counterRules(2, #KEYS, 3, now), startedAt, now)
return 1
