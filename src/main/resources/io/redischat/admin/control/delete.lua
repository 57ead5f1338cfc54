-- delete.lua: delete one session's history, atomically, and tell every instance.
--
-- KEYS[1] history stream  chat:{sid}:history
-- KEYS[2] meta hash       chat:{sid}:meta
-- KEYS[3] seen marker     chat:{sid}:seen: becomes the tombstone 'deleted' for the marker TTL, so a history read
--                         says empty_reason "deleted" (a new message starts the session over and marks it again)
-- ARGV[1] marker TTL (s)  ARGV[2] admin notice channel  ARGV[3] the notice
--
-- Returns the number of keys deleted (0: there was no history; nothing is written or published).
local deleted = redis.call('DEL', KEYS[1], KEYS[2])
if deleted == 0 then
  return 0
end
redis.call('SET', KEYS[3], 'deleted', 'EX', tonumber(ARGV[1]))
redis.call('PUBLISH', ARGV[2], ARGV[3])
return deleted
