--[[
  Records stored as JSON arrays, for the sends document and the timeline: a record's fields in a fixed
  order, null where unset, trailing nulls left out. Included before lua-includes/sends and
  lua-includes/pushEvent, which use it.

  toRow(names, record)  the array of `record`'s fields, in `names` order
  fromRow(names, row)   the table of named fields of such an array (unset ones nil)
]]
local function toRow(names, record)
  local row, last = {}, 0
  for i, name in ipairs(names) do
    if record[name] ~= nil then
      last = i
    end
  end
  for i = 1, last do
    local value = record[names[i]]
    if value == nil then
      value = cjson.null
    end
    row[i] = value
  end
  return row
end

local function fromRow(names, row)
  local record = {}
  for i, name in ipairs(names) do
    if row[i] ~= cjson.null then
      record[name] = row[i]
    end
  end
  return record
end
