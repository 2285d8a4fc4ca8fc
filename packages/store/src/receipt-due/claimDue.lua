--[[
  Claims the entries that are due: returns up to `limit` members whose due time has come, oldest
  first, and pushes each one out by the lease, so a concurrent sweeper does not take it too and one
  whose sweeper died comes due again once the lease runs out (at least once). Used for the receipt
  timeouts (`receipt-due.ts`) and the send watch (`send-watch.ts`).

  Cluster: one key.

  Input:
    KEYS[1] due set or send watch: ZSET, member = send (`<verificationId>-<step>-<send>`),
            score = when it is due, epoch ms
    ARGV[1] now, epoch ms
    ARGV[2] lease end (now + lease), epoch ms
    ARGV[3] limit (integer >= 1)

  Output:
    the claimed members
]]
local key = KEYS[1]

local due = redis.call('ZRANGEBYSCORE', key, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
-- One ZADD per 500 members (Lua's unpack has a stack limit), not one per member.
for first = 1, #due, 500 do
  local leased = {}
  for i = first, math.min(first + 499, #due) do
    table.insert(leased, ARGV[2])
    table.insert(leased, due[i])
  end
  redis.call('ZADD', key, 'XX', unpack(leased))
end
return due
