-- append.lua: store one user message and the server's reply in a session's history, atomically.
--
-- KEYS[1] history stream   chat:{sid}:history  (entry id = seq, fields c t s n f [cid k])
-- KEYS[2] meta hash        chat:{sid}:meta     (epoch, n = user message count, seq = last seq)
-- KEYS[3] seen marker      chat:{sid}:seen     (outlives the history, tells "expired" from "never persisted")
-- KEYS[4] idempotency key  chat:{sid}:cid:<author>/<clientId>: a clientId counts within its author's messages only,
--                          so no other client can claim it; or chat:{sid}:cid:#<connectionId> for the keys the
--                          server makes: a connection's writes go one after the other, so only its latest can be
--                          retried
-- ARGV[1] content   ARGV[2] timestamp (epoch ms)   ARGV[3] history TTL (s)   ARGV[4] max history entries
-- ARGV[5] marker TTL (s)   ARGV[6] epoch to start if the session is new   ARGV[7] the client's clientId or ''
-- ARGV[8] pub/sub channel of the session, or '' = do not publish (the caller publishes after replicas confirmed)
-- ARGV[9] from: the connection id of the sending socket   ARGV[10] TTL of the idempotency key (s)
-- ARGV[11] which message of the connection ('' for a clientId): the same key with another number is a new message
-- ARGV[12] the author of the clientId ('' without one): stored with it, so only the author's sockets get it back
-- ARGV[13] max history bytes (content of all entries; 0 = no limit): the oldest entries go beyond it, like beyond
--          ARGV[4] entries; the meta hash counts the bytes in field b
-- ARGV[14] '' when a new session may be started, else why not: a message to a session that does not exist is then
--          refused ({'refused', why}) and nothing is written
--
-- The idempotency key holds 'marker|epoch|N|userSeq|replySeq|timestamp|sha1(content)': a retry whose content has
-- another hash is not the same message, and is refused instead of being reported as stored.
--
-- The reply text 'Message #N: content' is made here and nowhere else. What is stored is published in the same step
-- as one payload, so every instance delivers exactly what is in the history:
--   {"v":1, "e":epoch, "n":N, "t":"timestamp", "u":userSeq, "r":replySeq, "c":content, "a":reply, "i":clientId,
--    "f":from, "k":author}
-- Returns {kind, payload}; kind is 'stored', 'duplicate' when the idempotency key was seen before with the same
-- content (nothing is written; the payload describes the first write), or 'reused' with an empty payload when it was
-- seen with other content (nothing is written).

local function payload(epoch, n, ts, userSeq, replySeq, content, reply, clientId, from, author)
  return cjson.encode({v = 1, e = epoch, n = tonumber(n), t = ts, u = tonumber(userSeq), r = tonumber(replySeq),
    c = content, a = reply, i = clientId, f = from, k = author})
end

local function field(entries, name)
  if entries[1] then
    local fields = entries[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == name then
        return fields[i + 1]
      end
    end
  end
  return nil
end

local contentHash = redis.sha1hex(ARGV[1])
local prior = redis.call('GET', KEYS[4])
local marker, epoch, n, userSeq, replySeq, ts, priorHash
if prior then
  marker, epoch, n, userSeq, replySeq, ts, priorHash =
    string.match(prior, '^([^|]*)|([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)|(%x+)$')
  if not marker then
    -- written before keys carried the content's hash
    marker, epoch, n, userSeq, replySeq, ts = string.match(prior, '^([^|]*)|([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)$')
  end
  if not marker then
    -- written before keys carried a marker: a clientId's
    marker = ''
    epoch, n, userSeq, replySeq, ts = string.match(prior, '^([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)')
  end
end
if prior and n and marker == ARGV[11] then
  if priorHash and priorHash ~= contentHash then
    return {'reused', ''}
  end
  local sent = redis.call('XRANGE', KEYS[1], userSeq .. '-0', userSeq .. '-0')
  local answered = redis.call('XRANGE', KEYS[1], replySeq .. '-0', replySeq .. '-0')
  local content = field(sent, 'c') or ARGV[1]
  local reply = field(answered, 'c') or ('Message #' .. n .. ': ' .. content)
  return {'duplicate', payload(epoch, n, ts, userSeq, replySeq, content, reply, ARGV[7], field(sent, 'f') or ARGV[9],
    ARGV[12])}
end

epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  if ARGV[14] ~= '' then
    return {'refused', ARGV[14]}
  end
  -- a new session, or a history without its meta hash lost its counters (eviction): start over under a new epoch
  epoch = ARGV[6]
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end

n = redis.call('HINCRBY', KEYS[2], 'n', 1)
userSeq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
replySeq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local reply = 'Message #' .. n .. ': ' .. ARGV[1]

if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[1], userSeq .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', n,
    'f', ARGV[9], 'cid', ARGV[7], 'k', ARGV[12])
  redis.call('XADD', KEYS[1], replySeq .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', n,
    'f', ARGV[9], 'cid', ARGV[7], 'k', ARGV[12])
else
  redis.call('XADD', KEYS[1], userSeq .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', n,
    'f', ARGV[9])
  redis.call('XADD', KEYS[1], replySeq .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', n,
    'f', ARGV[9])
end

-- trim the oldest entries beyond the entry and byte limits (the exchange just added always stays)
local maxEntries, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[13])
local bytes = redis.call('HINCRBY', KEYS[2], 'b', #ARGV[1] + #reply)
local length = redis.call('XLEN', KEYS[1])
local function over()
  return length > 2 and (length > maxEntries or (maxBytes > 0 and bytes > maxBytes))
end
if over() then
  while over() do
    -- over by entries only (the steady state of a full session): read just the entries to drop, not a batch
    local count = 32
    if not (maxBytes > 0 and bytes > maxBytes) then
      count = math.min(32, math.max(1, length - maxEntries))
    end
    local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', count)
    if #oldest == 0 then
      break
    end
    for _, entry in ipairs(oldest) do
      if not over() then
        break
      end
      redis.call('XDEL', KEYS[1], entry[1])
      bytes = bytes - #(field({entry}, 'c') or '')
      length = length - 1
    end
  end
  redis.call('HSET', KEYS[2], 'b', math.max(bytes, 0))
end

local ttl = tonumber(ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[3], epoch, 'EX', math.max(ttl, tonumber(ARGV[5])))
redis.call('SET', KEYS[4], ARGV[11] .. '|' .. epoch .. '|' .. n .. '|' .. userSeq .. '|' .. replySeq .. '|' .. ARGV[2]
  .. '|' .. contentHash, 'EX', math.min(ttl, tonumber(ARGV[10])))

local published = payload(epoch, n, ARGV[2], userSeq, replySeq, ARGV[1], reply, ARGV[7], ARGV[9], ARGV[12])
if ARGV[8] ~= '' then
  redis.call('PUBLISH', ARGV[8], published)
end
return {'stored', published}
