--[[
  Replay protection for a signed receipt webhook: claims the request for the verification it names,
  once. The claim is a field of the verification's sends hash, so it lives exactly as long as the
  sends it protects (a replay after they expired finds nothing to change anyway), and costs no key of
  its own.

  Cluster: one key.

  Input:
    KEYS[1] sends hash
    ARGV[1] claim field ('n:' and a hash of the provider's nonce)

  Output:
    'claimed'   the first time
    'replayed'  claimed before, nothing written
    'gone'      no such verification (or it expired), nothing written
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 'gone'
end
if redis.call('HSETNX', KEYS[1], ARGV[1], '1') == 1 then
  return 'claimed'
end
return 'replayed'
