--[[
  What a delivery job reads, in one command: the verification hash and its sends document, as they
  stand together. Reads only.

  Cluster: the keys of one verification all carry its id as hash tag (`{id}`), so they share a slot.

  Input:
    KEYS[1] verification hash
    KEYS[2] sends document

  Output:
    { the hash as HGETALL answers it (field, value, ...), the sends document or false }
    An empty first element when there is no verification.
]]
return { redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2]) }
