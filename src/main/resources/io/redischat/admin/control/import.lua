-- import.lua: restore one batch of a session's exported history, atomically; never overwrites anything.
--
-- KEYS[1] history stream  KEYS[2] meta hash  KEYS[3] seen marker
-- ARGV[1] the file's epoch of the session  ARGV[2] its N  ARGV[3] its last seq (the counters at export)
-- ARGV[4] TTL (s) of the restored keys  ARGV[5] marker TTL (s)  ARGV[6] now (epoch ms)
-- ARGV[7] '1' when this is the session's last batch: the counters become at least the file's
-- ARGV[8..] entries, 8 values each: seq, content, timestamp, isSent (1/0), N, from, clientId, author
--
-- A session Redis holds under another epoch, or with a seq beyond the file's, is newer than the file: nothing is
-- written ({'skipped', why}). Otherwise entries after the stream's newest are appended with their own ids (those
-- already there stay as they are), and the counters never go down. Returns {'written', entries added} or
-- {'unchanged', 0} when Redis held all of it already (then not even a TTL is touched: importing twice changes
-- nothing).
local function int(value)
  return string.format('%d', value)
end

local meta = redis.call('HMGET', KEYS[2], 'epoch', 'n', 'seq', 'b')
local epoch = meta[1]
local fileSeq = tonumber(ARGV[3])
if epoch and epoch ~= ARGV[1] then
  return {'skipped', 'Redis holds another history of it (epoch ' .. epoch .. ')'}
end
local n, seq, bytes = tonumber(meta[2]) or 0, tonumber(meta[3]) or 0, tonumber(meta[4]) or 0
if epoch and seq > fileSeq then
  return {'skipped', 'Redis holds newer messages (seq ' .. int(seq) .. ' > ' .. int(fileSeq) .. ')'}
end
if not epoch then
  -- a stream without its meta hash has lost its counters: it is not the file's history
  redis.call('DEL', KEYS[1])
end
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local top = 0
if newest[1] then
  top = tonumber(string.match(newest[1][1], '^(%d+)'))
end
local added = 0
for i = 8, #ARGV, 8 do
  local entrySeq = tonumber(ARGV[i])
  if entrySeq > top then
    local fields = {'c', ARGV[i + 1], 't', ARGV[i + 2], 's', ARGV[i + 3], 'n', ARGV[i + 4], 'f', ARGV[i + 5]}
    if ARGV[i + 6] ~= '' then
      fields[#fields + 1] = 'cid'
      fields[#fields + 1] = ARGV[i + 6]
      fields[#fields + 1] = 'k'
      fields[#fields + 1] = ARGV[i + 7]
    end
    redis.call('XADD', KEYS[1], int(entrySeq) .. '-0', unpack(fields))
    top = entrySeq
    added = added + 1
    bytes = bytes + #ARGV[i + 1]
    n = math.max(n, tonumber(ARGV[i + 4]))
    seq = math.max(seq, entrySeq)
  end
end
if ARGV[7] == '1' then
  n = math.max(n, tonumber(ARGV[2]))
  seq = math.max(seq, fileSeq)
end
if epoch and added == 0 and n == (tonumber(meta[2]) or 0) and seq == (tonumber(meta[3]) or 0) then
  return {'unchanged', 0}
end
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[2], 'epoch', ARGV[1], 'n', int(n), 'seq', int(seq), 'b', int(bytes), 'm', ARGV[6])
redis.call('EXPIRE', KEYS[2], ttl)
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ttl)
end
redis.call('SET', KEYS[3], ARGV[1], 'EX', math.max(ttl, tonumber(ARGV[5])))
return {'written', added}
