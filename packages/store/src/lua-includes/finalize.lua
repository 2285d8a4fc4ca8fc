--[[
  Moves a verification to a final status: records it, deletes the sealed code and plan (the only
  copies of the code and of clear destinations; the plan is in the sends document, or in the record
  for records written before it moved out) and keeps the record and its sends for the retention only.
  The timeline keeps its own, longer TTL. Needs lua-includes/sends.

  Input:
    recordKey  the verification hash
    sendsKey   the verification's sends document (kept for support, with the record's TTL)
    status     the final status
    nowArg     epoch ms, as the ARGV string (stored as is)
    retention  seconds to keep the final record
]]
local function finalize(recordKey, sendsKey, status, nowArg, retention)
  redis.call('HSET', recordKey, 'status', status, 'updatedAt', nowArg)
  redis.call('HDEL', recordKey, 'sealedCode', 'sealedPlan')
  redis.call('EXPIRE', recordKey, retention)
  local doc = loadSends(sendsKey)
  if doc then
    doc.plan = nil
    saveSends(sendsKey, doc, retention)
  end
end
