--[[
  The provider accepted a send: queued -> accepted, with the provider, its message id and the time,
  and a 'sent' event on the timeline (its detail gains `send`). A send that is not queued any more
  (a re-run of a job that already got this far, or a send given up on) is left alone. Recorded even
  when the verification is already final: the message did go out, and support should see it.

  Recorded on a full Redis too (maxmemory reached, noeviction): Redis refuses a script at its first
  write that could grow memory and lets it finish once it has written, so the first write here is
  one that cannot (an HDEL of a field no record has). Refused, the job would retry and send the
  message again, every retry until memory frees up.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline (a string: lua-includes/pushEvent)
    KEYS[3] sends document

    ARGV[1] send number
    ARGV[2] provider
    ARGV[3] provider message id
    ARGV[4] the 'sent' event, as JSON (encoded and checked by the caller; `at` is the acceptance time)
    ARGV[5] timeline retention, seconds (used only if the timeline is gone and this event starts it again)

  Output:
    'recorded'
    'already_accepted'  the send is not queued, nothing written
    'gone'              no such verification or send, nothing written
    'wrong_send'        the event's step or channel is not the send's, nothing written
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local sendField, provider, providerMessageId, eventJson, timelineRetention =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"
--- @include "../lua-includes/sends"

redis.call('HDEL', recordKey, 'never-a-field')
-- The sends document lives exactly as long as the record (create.lua and finalize give both the same
-- TTL), so it alone says whether the verification is still there.
local doc = loadSends(sendsKey)
local send = doc and getSend(doc, tonumber(sendField))
if not send then
  return 'gone'
end
local event = cjson.decode(eventJson)
if event.step ~= send.step or event.channel ~= send.channel then
  return 'wrong_send'
end
if send.status ~= 'queued' then
  return 'already_accepted'
end

send.status = 'accepted'
send.provider = provider
send.providerMessageId = providerMessageId
send.acceptedAt = event.at
putSend(doc, send)
saveSends(sendsKey, doc)
event.detail = event.detail or {}
event.detail.send = send.send
pushEvent(timelineKey, timelineRetention, event.at, 'sent', event)
return 'recorded'
