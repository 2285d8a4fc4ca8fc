--[[
  A send was accepted by its provider: its receipt timeout is scheduled (when it waits for a receipt)
  and it leaves the send watch, in one step, so an accepted send is never left with neither: should
  this script not run, the send stays watched and the reconciler schedules the timeout.

  Cluster: the send watch's hash tag is the due set's key (`{sc:rd}:sw` and `sc:rd`), so both keys
  share one slot.

  Input:
    KEYS[1] receipt due set: ZSET, member = send (`<verificationId>-<step>-<send>`), score = due epoch ms
    KEYS[2] send watch: ZSET, same members, score = when the reconciler looks at the send

    ARGV[1] the send's member
    ARGV[2] when its receipt timeout is due, epoch ms, or '' when it waits for no receipt

  Output:
    1 a receipt timeout was scheduled (a second run keeps the first due time: 0)
    0 none
]]
local dueKey, watchKey = KEYS[1], KEYS[2]
local member, dueAt = ARGV[1], ARGV[2]

local scheduled = 0
if dueAt ~= '' then
  scheduled = redis.call('ZADD', dueKey, 'NX', dueAt, member)
end
redis.call('ZREM', watchKey, member)
return scheduled
