-- ttl.lua: set the TTL of one session's keys, atomically.
--
-- KEYS[1] history stream  KEYS[2] meta hash  KEYS[3] seen marker  KEYS[4..] the session's idempotency keys
-- ARGV[1] the new TTL (s)
--
-- The seen marker must outlive the history: it is only ever extended. Returns 0 when the session has no history
-- (nothing is changed), else 1.
if redis.call('EXISTS', KEYS[2]) == 0 then
  return 0
end
local ttl = tonumber(ARGV[1])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
if redis.call('TTL', KEYS[3]) < ttl then
  redis.call('EXPIRE', KEYS[3], ttl)
end
for i = 4, #KEYS do
  redis.call('EXPIRE', KEYS[i], ttl)
end
return 1
