--[[
  Takes back one admitted start whose verification could not be created: removes its token from every
  rule's log, and the pending index entry if it still names that verification (a later start may have
  replaced it). Idempotent.

  Cluster: same keys, so same slot, as admit.lua (the client's hash tag).

  Input:
    KEYS[1]     pending index
    KEYS[2...]  the rules' sliding-window logs

    ARGV[1] id of the verification the start was for
    ARGV[2] start token

  Output:
    { logs the token was removed from, pending index cleared (0|1) }
]]
local pendingKey, id, token = KEYS[1], ARGV[1], ARGV[2]

--- @include "../lua-includes/deleteIfEquals"

local removed = 0
for i = 2, #KEYS do
  removed = removed + redis.call('ZREM', KEYS[i], token)
end
return { removed, deleteIfEquals(pendingKey, id) }
