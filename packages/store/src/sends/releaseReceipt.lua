--[[
  Gives a receipt webhook's claim back (taken by receipt.lua), so the provider's own retry of a request
  that failed here can succeed. Nothing to give back is a no-op.

  Cluster: one key.

  Input:
    KEYS[1] sends document
    ARGV[1] the claim

  Output:
    1 released
    0 no such claim
]]
local sendsKey, claim = KEYS[1], ARGV[1]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/sends"

local doc = loadSends(sendsKey)
for i, seen in ipairs(doc and doc.claims or {}) do
  if seen == claim then
    table.remove(doc.claims, i)
    if #doc.claims == 0 then
      doc.claims = nil
    end
    saveSends(sendsKey, doc)
    return 1
  end
end
return 0
