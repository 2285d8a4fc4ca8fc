--[[
  The sends document: one JSON string per verification, under its sends key, the array of its fields
  in DOC_FIELDS order, as a send is (lua-includes/rows, which this needs):
    [ [ send 1, send 2, ... ], sealed plan (while pending), [ claim, ... ] ]
  Documents written before are the object of the same fields, and read as well; the next save writes
  the array, 24 bytes shorter. A send is the array of its fields in SEND_FIELDS order; its number is
  its position. One string costs Redis 0.25 KB less than a hash whose values are too long for the
  compact hash encoding, as a send's and the plan's are. `sends-doc.ts` reads the same layout.

  loadSends(key)            the document as a table of named fields (sends, plan, claims), or nil when
                            there is none
  getSend(doc, number)      send `number` as a table of named fields (`send` = its number), or nil
  putSend(doc, send)        stores a table of named fields as send `send.send`
  saveSends(key, doc, ttl)  writes the document back: with `ttl` seconds, else keeping its TTL
]]
local DOC_FIELDS = { 'sends', 'plan', 'claims' }
local SEND_FIELDS = { 'step', 'channel', 'status', 'queuedAt', 'provider', 'providerMessageId', 'acceptedAt',
  'receiptAt', 'failedAt' }

local function loadSends(key)
  local raw = redis.call('GET', key)
  if not raw then
    return nil
  end
  local doc = cjson.decode(raw)
  if doc[1] == nil then
    return doc
  end
  return fromRow(DOC_FIELDS, doc)
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
  local json = cjson.encode(toRow(DOC_FIELDS, doc))
  if ttl then
    redis.call('SET', key, json, 'EX', ttl)
  else
    redis.call('SET', key, json, 'KEEPTTL')
  end
end
