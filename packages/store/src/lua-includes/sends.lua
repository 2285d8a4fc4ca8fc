--[[
  The sends document: one JSON string per verification, under its sends key,
    { "plan": sealed plan (while pending), "sends": [ send 1, send 2, ... ], "claims": [ claim, ... ] }
  A send is the array of its fields in SEND_FIELDS order (lua-includes/rows, which this needs); its number
  is its position. One string costs Redis 0.25 KB less than a hash whose values are too long for the
  compact hash encoding, as a send's and the plan's are. `sends-doc.ts` reads the same layout.

  loadSends(key)            the document, or nil when there is none
  getSend(doc, number)      send `number` as a table of named fields (`send` = its number), or nil
  putSend(doc, send)        stores a table of named fields as send `send.send`
  saveSends(key, doc, ttl)  writes the document back: with `ttl` seconds, else keeping its TTL
]]
local SEND_FIELDS = { 'step', 'channel', 'status', 'queuedAt', 'provider', 'providerMessageId', 'acceptedAt',
  'receiptAt', 'failedAt' }

local function loadSends(key)
  local raw = redis.call('GET', key)
  if not raw then
    return nil
  end
  return cjson.decode(raw)
end

local function getSend(doc, number)
  local row = doc.sends[number]
  if type(row) ~= 'table' then
    return nil
  end
  local send = fromRow(SEND_FIELDS, row)
  send.send = number
  return send
end

local function putSend(doc, send)
  doc.sends[send.send] = toRow(SEND_FIELDS, send)
end

local function saveSends(key, doc, ttl)
  if ttl then
    redis.call('SET', key, cjson.encode(doc), 'EX', ttl)
  else
    redis.call('SET', key, cjson.encode(doc), 'KEEPTTL')
  end
end
