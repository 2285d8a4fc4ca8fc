--[[
  Compares two strings without an early exit: every byte position of the longer one is visited and
  the differences are OR-ed together, so the time taken does not depend on where they differ.

  Output: true when equal.
]]
local function constantTimeEqual(a, b)
  local diff = 0
  if #a ~= #b then
    diff = 1
  end
  local length = math.max(#a, #b)
  for i = 1, length do
    local x = string.byte(a, i) or 0
    local y = string.byte(b, i) or 0
    diff = bit.bor(diff, bit.bxor(x, y))
  end
  return diff == 0
end
