--[[
  Appends one timeline event. An event is stored as the JSON array of its fields in EVENT_FIELDS
  order (lua-includes/rows, which this needs): a fifth fewer bytes in Redis than an object, and the
  timeline is what a verification keeps longest. The type leads, and `to` comes before `provider`:
  the events that name a destination without a provider ('created', 'failover', 'resend') then
  need no null. `events.ts` reads the same layout (and the rows led by `at`, and the objects,
  written before it).

  The timeline is one string, its rows joined by commas, written whole each time (GET, then SET):
  a list on Redis 7.0 is a quicklist, 80 bytes of bookkeeping a key before its first entry, and
  APPEND would leave a string up to twice its length in spare room. A timeline holds a few events
  (at most maxAttempts wrong codes and maxSends sends), so the copy stays small.

  Within the string, a row after the first says `at` as milliseconds since the first row's (4
  digits, not 13), and `to` as true when it is the destination the latest earlier row of the same
  step names (a 'sent' event repeats the one its step's 'created' or 'failover' event gave).

  Input:
    timelineKey        the verification's timeline string
    timelineRetention  seconds; applied only when this push created the timeline (normally at create).
                       An existing one keeps the TTL it got then: no TTL check per event.
    now                epoch ms, as a number (13 digits: within cjson's 14-digit precision)
    eventType          one of the store's EVENT_TYPES
    extra              optional table of more fields (step, channel, provider, to, detail); others are
                       dropped
    absent             optional: true when the caller knows the timeline does not exist yet
]]
local EVENT_FIELDS = { 'type', 'at', 'step', 'channel', 'to', 'provider', 'detail' }

-- The destination (a string) the latest of `rows` with this step names, or nil.
local function latestTo(rows, step)
  for i = #rows, 1, -1 do
    if rows[i][3] == step and type(rows[i][5]) == 'string' then
      return rows[i][5]
    end
  end
  return nil
end

-- Appends `events` ({ eventType, extra } each, all at `now`) in one read and one write of the
-- timeline: a script that records two events at once (a check's 'check_valid' and 'approved')
-- rewrites it once, not twice.
-- `absent`: the caller knows there is no timeline yet (create.lua checked), so it is not read.
local function pushEvents(timelineKey, timelineRetention, now, events, absent)
  local timeline = false
  if not absent then
    timeline = redis.call('GET', timelineKey)
  end
  local rows = timeline and cjson.decode('[' .. timeline .. ']') or {}
  local encoded = {}
  for _, pushed in ipairs(events) do
    local event = { at = now, type = pushed[1] }
    for name, value in pairs(pushed[2] or {}) do
      if name ~= 'at' and name ~= 'type' then
        event[name] = value
      end
    end
    if #rows > 0 then
      event.at = event.at - rows[1][2]
      if event.step ~= nil and event.to ~= nil and event.to == latestTo(rows, event.step) then
        event.to = true
      end
    end
    local row = toRow(EVENT_FIELDS, event)
    rows[#rows + 1] = row
    encoded[#encoded + 1] = cjson.encode(row)
  end
  local added = table.concat(encoded, ',')
  if not timeline then
    redis.call('SET', timelineKey, added, 'EX', timelineRetention)
  else
    redis.call('SET', timelineKey, timeline .. ',' .. added, 'KEEPTTL')
  end
end

local function pushEvent(timelineKey, timelineRetention, now, eventType, extra, absent)
  pushEvents(timelineKey, timelineRetention, now, { { eventType, extra } }, absent)
end
