-- append.lua: store one user message and the server's reply in a session's history, atomically.
--
-- KEYS[1] history stream   chat:{sid}:history  (entry id = seq, fields c t s n f [cid k])
-- KEYS[2] meta hash        chat:{sid}:meta     (epoch, n = user message count, seq = last seq, b = bytes of text,
--                                              m = when the seen marker was last set)
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
-- ARGV[15] the highest N the sending socket has shown, stored or not (absent = 0): in a session that goes on, N is
--          above it, so a reply numbered while Redis could not store it is not numbered again
--
-- The idempotency key holds 'marker|epoch|N|userSeq|replySeq|timestamp|sha1(content)': a retry whose content has
-- another hash is not the same message, and is refused instead of being reported as stored. A server-made key leaves
-- the hash empty: only the server retries it, always with the same content.
--
-- The reply text 'Message #N: content' is made here and nowhere else. What is stored is published in the same step
-- as one payload, so every instance delivers exactly what is in the history:
--   {"v":1, "e":epoch, "n":N, "t":"timestamp", "u":userSeq, "r":replySeq, "c":content, "a":reply, "i":clientId,
--    "f":from, "k":author}
-- Returns {kind, payload} ({kind, payload, epoch, N, userSeq, replySeq} when stored); kind is 'stored', 'duplicate' when the idempotency key was seen before with the same
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

local SLACK = 64

local function int(value)
  return string.format('%d', value)
end

-- a server-made key is only ever retried by the server with the same content: only a clientId's key needs its hash
local contentHash = ''
if ARGV[7] ~= '' then
  contentHash = redis.sha1hex(ARGV[1])
end
local prior = redis.call('GET', KEYS[4])
local marker, epoch, n, userSeq, replySeq, ts, priorHash
if prior then
  marker, epoch, n, userSeq, replySeq, ts, priorHash =
    string.match(prior, '^([^|]*)|([^|]*)|(%d+)|(%d+)|(%d+)|(%d+)|(%x*)$')
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
  if priorHash and priorHash ~= '' and contentHash ~= '' and priorHash ~= contentHash then
    return {'reused', ''}
  end
  local sent = redis.call('XRANGE', KEYS[1], userSeq .. '-0', userSeq .. '-0')
  local answered = redis.call('XRANGE', KEYS[1], replySeq .. '-0', replySeq .. '-0')
  local content = field(sent, 'c') or ARGV[1]
  local reply = field(answered, 'c') or ('Message #' .. n .. ': ' .. content)
  return {'duplicate', payload(epoch, n, ts, userSeq, replySeq, content, reply, ARGV[7], field(sent, 'f') or ARGV[9],
    ARGV[12])}
end

-- the session's counters in one read and, below, one write: m is when the seen marker was last set
local ttl, markerTtl = tonumber(ARGV[3]), math.max(tonumber(ARGV[3]), tonumber(ARGV[5]))
local now = tonumber(ARGV[2])
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'n', 'seq', 'b', 'm')
epoch = meta[1]
local counters = {}
if not epoch then
  if ARGV[14] ~= '' then
    return {'refused', ARGV[14]}
  end
  -- a new session, or a history without its meta hash lost its counters (eviction): start over under a new epoch
  epoch = ARGV[6]
  redis.call('DEL', KEYS[1])
  counters = {'epoch', epoch}
  meta = {}
end
n = (tonumber(meta[2]) or 0)
if meta[2] then
  n = math.max(n, tonumber(ARGV[15]) or 0)
end
n = n + 1
userSeq = (tonumber(meta[3]) or 0) + 1
replySeq = userSeq + 1
local reply = 'Message #' .. int(n) .. ': ' .. ARGV[1]

if ARGV[7] ~= '' then
  redis.call('XADD', KEYS[1], int(userSeq) .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', int(n),
    'f', ARGV[9], 'cid', ARGV[7], 'k', ARGV[12])
  redis.call('XADD', KEYS[1], int(replySeq) .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', int(n),
    'f', ARGV[9], 'cid', ARGV[7], 'k', ARGV[12])
else
  redis.call('XADD', KEYS[1], int(userSeq) .. '-0', 'c', ARGV[1], 't', ARGV[2], 's', '1', 'n', int(n),
    'f', ARGV[9])
  redis.call('XADD', KEYS[1], int(replySeq) .. '-0', 'c', reply, 't', ARGV[2], 's', '0', 'n', int(n),
    'f', ARGV[9])
end

-- trim the oldest entries beyond the byte limit at once, and beyond the entry limit once SLACK more have come: a
-- full session then pays for one read and one XTRIM every SLACK / 2 messages instead of both on each (each walks the
-- stream's first node). History reads pass over the slack, so readers see exactly the newest max-length entries.
-- The exchange just added always stays. Entries are numbered without gaps, so XTRIM MINID cuts exactly there.
local maxEntries, maxBytes = tonumber(ARGV[4]), tonumber(ARGV[13])
local slack = math.min(SLACK, maxEntries)
local bytes = (tonumber(meta[4]) or 0) + #ARGV[1] + #reply
local length = redis.call('XLEN', KEYS[1])
local function overBytes()
  return maxBytes > 0 and bytes > maxBytes
end
local function over()
  return length > 2 and (length > maxEntries or overBytes())
end
local dropBelow
if length > 2 and (length > maxEntries + slack or overBytes()) then
  while over() do
    local count = 32
    if not overBytes() then
      count = math.max(1, length - maxEntries)
    end
    local oldest = redis.call('XRANGE', KEYS[1], dropBelow and ('(' .. dropBelow) or '-', '+', 'COUNT', count)
    if #oldest == 0 then
      break
    end
    for _, entry in ipairs(oldest) do
      if not over() then
        break
      end
      dropBelow = entry[1]
      bytes = bytes - #(field({entry}, 'c') or '')
      length = length - 1
    end
  end
end
if dropBelow then
  -- ids are N-0: MINID N-1 drops N-0 and everything before it
  redis.call('XTRIM', KEYS[1], 'MINID', string.match(dropBelow, '^(%d+)') .. '-1')
end

counters[#counters + 1] = 'n'
counters[#counters + 1] = int(n)
counters[#counters + 1] = 'seq'
counters[#counters + 1] = int(replySeq)
counters[#counters + 1] = 'b'
counters[#counters + 1] = int(math.max(bytes, 0))
-- the seen marker must outlive the history: set again once half its head start over the history's TTL is used up
local markedAt = tonumber(meta[5])
if not markedAt or now < markedAt or (now - markedAt) * 2 >= (markerTtl - ttl) * 1000 then
  redis.call('SET', KEYS[3], epoch, 'EX', markerTtl)
  counters[#counters + 1] = 'm'
  counters[#counters + 1] = ARGV[2]
end
redis.call('HSET', KEYS[2], unpack(counters))
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[4], ARGV[11] .. '|' .. epoch .. '|' .. int(n) .. '|' .. int(userSeq) .. '|' .. int(replySeq)
  .. '|' .. ARGV[2] .. '|' .. contentHash, 'EX', math.min(ttl, tonumber(ARGV[10])))

local published = payload(epoch, int(n), ARGV[2], int(userSeq), int(replySeq), ARGV[1], reply, ARGV[7], ARGV[9],
  ARGV[12])
if ARGV[8] ~= '' then
  redis.call('PUBLISH', ARGV[8], published)
end
-- the numbers once more as they are, so the writer need not parse the payload
return {'stored', published, epoch, int(n), int(userSeq), int(replySeq)}
