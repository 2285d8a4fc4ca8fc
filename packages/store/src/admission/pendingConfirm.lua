--[[
  Confirms a pending index entry once its verification exists: admission claimed it for a few
  seconds (admit.lua); this makes it last the verification's lifetime. Only while it still names
  that verification, so a later start that replaced it keeps its own.

  Cluster: one key (the client's slot, like the rest of admission).

  Input:
    KEYS[1] pending index
    ARGV[1] verification id
    ARGV[2] TTL, ms

  Output:
    1 confirmed, 0 it named another verification or nothing
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
