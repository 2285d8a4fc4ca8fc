--[[
  Stores the response of a request that holds an idempotency key, for replays. Only the holder's
  claim changes: the key must be in progress with the same body hash (a claim whose lock ran out and
  was taken by another request with another body is not overwritten).

  Cluster: one key (tagged with the client).

  Input:
    KEYS[1] idempotency hash
    ARGV[1] body hash of the request
    ARGV[2] response status
    ARGV[3] response body
    ARGV[4] how long replays are served, seconds

  Output:
    1 stored, 0 not held with this body hash (nothing written)
]]
local key, bodyHash = KEYS[1], ARGV[1]

local fields = redis.call('HMGET', key, 'state', 'bodyHash')
if fields[1] ~= 'in_progress' or fields[2] ~= bodyHash then
  return 0
end
redis.call('HSET', key, 'state', 'done', 'status', ARGV[2], 'body', ARGV[3])
redis.call('EXPIRE', key, ARGV[4])
return 1
