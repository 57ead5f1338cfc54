-- append.lua: store one user message and the server's reply in a session's history, atomically.
--
-- KEYS[1] history stream   chat:{sid}:history  (entry id = seq, fields c t s n [cid])
-- KEYS[2] meta hash        chat:{sid}:meta     (epoch, n = user message count, seq = last seq)
-- KEYS[3] seen marker      chat:{sid}:seen     (outlives the history, tells "expired" from "never persisted")
-- KEYS[4] idempotency key  chat:{sid}:cid:<clientId> (only read or written when ARGV[7] is not empty)
-- ARGV[1] content   ARGV[2] timestamp (epoch ms)   ARGV[3] history TTL (s)   ARGV[4] max history entries
-- ARGV[5] marker TTL (s)   ARGV[6] epoch to start if the session is new   ARGV[7] clientId or ''
-- ARGV[8] pub/sub channel of the session: what is stored is published there in the same step, so every instance
--         delivers exactly what is in the history (payload: JSON {e epoch, n, t timestamp, u userSeq, r replySeq,
--         c content, i clientId}); '' = do not publish (the caller publishes after replicas confirmed)
--
-- Returns {kind, epoch, n, userSeq, replySeq, timestamp}; kind is 'stored' or 'duplicate' (clientId seen before:
-- nothing written, the first write's numbers returned).

if ARGV[7] ~= '' then
  local prior = redis.call('GET', KEYS[4])
  if prior then
    local epoch, n, userSeq, replySeq, ts = string.match(prior, '^([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)$')
    return {'duplicate', epoch, n, userSeq, replySeq, ts}
  end
end

local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  -- a history without its meta hash lost its counters (eviction): start over under a new epoch
  epoch = ARGV[6]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end

local n = redis.call('HINCRBY', KEYS[2], 'n', 1)
local userSeq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local replySeq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local reply = 'Message #' .. n .. ': ' .. ARGV[1]

if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], userSeq .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', n, 'cid', ARGV[7])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], userSeq .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', n)
end
if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], replySeq .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', n, 'cid', ARGV[7])
else
  redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], replySeq .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', n)
end

local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], epoch, 'EX', math.max(ttl, tonumber(ARGV[5])))
if ARGV[7] ~= '' then
  redis.call('SET', KEYS[4], epoch .. '|' .. n .. '|' .. userSeq .. '|' .. replySeq .. '|' .. ARGV[2], 'EX', ttl)
end

if ARGV[8] ~= '' then
  redis.call('PUBLISH', ARGV[8], cjson.encode({e = epoch, n = n, t = ARGV[2], u = userSeq, r = replySeq,
    c = ARGV[1], i = ARGV[7]}))
end

return {'stored', epoch, n, userSeq, replySeq, ARGV[2]}
