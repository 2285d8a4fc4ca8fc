--[[
  A provider's delivery receipt for one send. Only an accepted send changes: to delivered or
  undelivered, with the receipt time, and an event of the same name (step, channel, provider and the
  caller's detail, which gains `send`). When a provider message id is given it must be the send's.

  `current` tells the caller whether to act on an undelivered receipt (fail over): the send is the
  verification's latest and the verification is still pending and unexpired. A delivered receipt
  has nothing to act on, so the record is not read for it and `current` is 0. The sends document
  lives exactly as long as the record (same TTL), so it alone says whether the verification exists.

  Replay protection for the signed webhook request that carried the receipt, in the same step: its
  claim (a hash of the provider's nonce) is kept in the sends document, so it lives exactly as long as
  the sends it protects and costs no key of its own. A request whose claim is there already is
  'replayed'. Every other answer that reads the send takes the claim, in the same write as the
  receipt when there is one, except 'queued': that receipt came before the worker recorded the
  acceptance, nothing is written, and the caller may try the same request again.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] timeline list
    KEYS[3] sends document

    ARGV[1] send number
    ARGV[2] 'delivered' | 'undelivered'
    ARGV[3] now, epoch ms
    ARGV[4] provider message id from the receipt, or ''
    ARGV[5] JSON object of event detail, or ''
    ARGV[6] timeline retention, seconds (used only if the timeline is gone and this event starts it again)
    ARGV[7] the request's claim, or '' for none

  Output:
    { 'recorded', current (0|1; 0 for 'delivered'), the send after, as its JSON array (lua-includes/sends) }
    { 'unknown' }    no such verification or send (the claim is taken when the verification exists)
    { 'mismatch' }   the message id is not the send's; only the claim is written
    { 'duplicate' }  the send already has an outcome; only the claim is written
    { 'queued' }     the send is not accepted yet, nothing written
    { 'replayed' }   the claim was taken before, nothing written
]]
local recordKey, timelineKey, sendsKey = KEYS[1], KEYS[2], KEYS[3]
local sendField, outcome, now, messageId, detailJson, timelineRetention, claim =
  ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6], ARGV[7]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/pushEvent"
--- @include "../lua-includes/sends"

local doc = loadSends(sendsKey)
if not doc then
  return { 'unknown' }
end
if claim ~= '' then
  doc.claims = doc.claims or {}
  for _, seen in ipairs(doc.claims) do
    if seen == claim then
      return { 'replayed' }
    end
  end
end

-- Answers `answer` with nothing written but the claim.
local function claimOnly(answer)
  if claim ~= '' then
    table.insert(doc.claims, claim)
    saveSends(sendsKey, doc)
  end
  return { answer }
end

local send = getSend(doc, tonumber(sendField))
if not send then
  return claimOnly('unknown')
end
if messageId ~= '' and send.providerMessageId and send.providerMessageId ~= messageId then
  return claimOnly('mismatch')
end
if send.status == 'queued' then
  return { 'queued' }
end
if send.status ~= 'accepted' then
  return claimOnly('duplicate')
end

send.status = outcome
send.receiptAt = now
putSend(doc, send)
if claim ~= '' then
  table.insert(doc.claims, claim)
end
saveSends(sendsKey, doc)

local detail = {}
if detailJson ~= '' then
  detail = cjson.decode(detailJson)
end
detail.send = send.send
pushEvent(timelineKey, timelineRetention, now, outcome,
  { step = send.step, channel = send.channel, provider = send.provider, detail = detail })

local current = false
if outcome ~= 'delivered' then
  local fields = redis.call('HMGET', recordKey, 'status', 'sends', 'expiresAt')
  current = send.send == tonumber(fields[2]) and fields[1] == 'pending' and now < (tonumber(fields[3]) or 0)
end
return { 'recorded', current and 1 or 0, cjson.encode(doc.sends[send.send]) }
