--[[
  Moves a verification to a final status: records it, deletes the sealed code and plan (the only
  copies of the code and of clear destinations) and keeps the record for the retention only.
  The timeline keeps its own, longer TTL.

  Input:
    recordKey  the verification hash
    status     the final status
    nowArg     epoch ms, as the ARGV string (stored as is)
    retention  seconds to keep the final record
]]
local function finalize(recordKey, status, nowArg, retention)
  redis.call('HSET', recordKey, 'status', status, 'updatedAt', nowArg)
  redis.call('HDEL', recordKey, 'sealedCode', 'sealedPlan')
  redis.call('EXPIRE', recordKey, retention)
end
