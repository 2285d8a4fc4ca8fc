--[[
  Releases an in-progress claim on an idempotency key (the request failed with a 5xx or threw), so
  the client may retry with the same key. A completed key, or one held with another body hash, is
  left alone.

  Cluster: one key (tagged with the client).

  Input:
    KEYS[1] idempotency hash
    ARGV[1] body hash of the request

  Output:
    1 released, 0 nothing to release
]]
local key, bodyHash = KEYS[1], ARGV[1]

local fields = redis.call('HMGET', key, 'state', 'bodyHash')
if fields[1] ~= 'in_progress' or fields[2] ~= bodyHash then
  return 0
end
return redis.call('DEL', key)
