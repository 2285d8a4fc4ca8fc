--[[
  Replay protection for a signed receipt webhook: claims the request for the verification it names,
  once. The claim is kept in the verification's sends document, so it lives exactly as long as the
  sends it protects (a replay after they expired finds nothing to change anyway), and costs no key of
  its own.

  Cluster: one key.

  Input:
    KEYS[1] sends document
    ARGV[1] the claim (a hash of the provider's nonce)

  Output:
    'claimed'   the first time
    'replayed'  claimed before, nothing written
    'gone'      no such verification (or it expired), nothing written
]]
local sendsKey, claim = KEYS[1], ARGV[1]

--- @include "../lua-includes/rows"
--- @include "../lua-includes/sends"

local doc = loadSends(sendsKey)
if not doc then
  return 'gone'
end
doc.claims = doc.claims or {}
for _, seen in ipairs(doc.claims) do
  if seen == claim then
    return 'replayed'
  end
end
table.insert(doc.claims, claim)
saveSends(sendsKey, doc)
return 'claimed'
