--[[
  Deletes a string key only while it still holds the value given (compare-and-delete), so a caller
  never removes an entry someone else has since replaced.

  Input:
    key    the string key
    value  the value it must hold

  Output: 1 deleted, 0 left alone.
]]
local function deleteIfEquals(key, value)
  if redis.call('GET', key) == value then
    return redis.call('DEL', key)
  end
  return 0
end
