--[[
  The worker gave up on a send: queued or accepted -> failed, with the time. No event: the caller
  appends its own, with the reason. A send already failed, delivered or undelivered is left alone,
  and nothing is written for a verification or send that is gone.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] sends document

    ARGV[1] send number
    ARGV[2] now, epoch ms

  Output:
    1 marked failed
    0 nothing to change
]]
local recordKey, sendsKey = KEYS[1], KEYS[2]
local sendField, now = ARGV[1], tonumber(ARGV[2])

--- @include "../lua-includes/rows"
--- @include "../lua-includes/sends"

if redis.call('EXISTS', recordKey) == 0 then
  return 0
end
local doc = loadSends(sendsKey)
local send = doc and getSend(doc, tonumber(sendField))
if not send then
  return 0
end
if send.status ~= 'queued' and send.status ~= 'accepted' then
  return 0
end
send.status = 'failed'
send.failedAt = now
putSend(doc, send)
saveSends(sendsKey, doc)
return 1
