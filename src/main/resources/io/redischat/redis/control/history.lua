-- history.lua: read part of a session's history with its meta, in one atomic step, within a byte budget.
--
-- KEYS[1] history stream   KEYS[2] meta hash   KEYS[3] seen marker
-- ARGV[1] mode: 'after' (oldest first, after a seq) | 'before' (newest first, before a seq) |
--         'latest' (newest first) | 'meta' (no entries)
-- ARGV[2] bound seq (exclusive) for 'after' and 'before', as decimal digits: it only ever becomes part of a stream
--         id, never a Lua number (a double would round seqs above 2^53 and print them as 9.007199254741e+15)
-- ARGV[3] count (0 = no limit)
-- ARGV[4] budget: bytes the entries may take in the reply (estimated as JSON, see cost); the first entry is taken
--         whatever its size, so a page is never empty while the range is not
-- ARGV[5] bytes one entry takes in the reply besides its content and author (field names, numbers, session id)
-- ARGV[6] bytes the largest entry can have in the stream: sizes each XRANGE so that no more than one entry beyond
--         the budget is ever read
-- ARGV[7] entries a session keeps (0 = all in the stream): append.lua trims the stream only once it holds a few
--         more, so those beyond the newest ARGV[7] are passed over as if trimmed already
--
-- Returns {epoch or '', last seq, history PTTL in ms (-2 = gone), seen marker epoch or '', entries, more}
-- where entries are stream entries {id, {field, value, ...}}, oldest first, and more is 1 when the range holds
-- entries beyond those returned (cut by the budget or the count), else 0.

local mode, bound, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local budget, overhead, largest = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local keep = tonumber(ARGV[7]) or 0

local meta = redis.call('HMGET', KEYS[2], 'epoch', 'seq')
-- the oldest visible entry: entries are numbered without gaps, the newest is seq
local floor = nil
local lastSeq = tonumber(meta[2])
if keep > 0 and lastSeq and lastSeq > keep then
  floor = lastSeq - keep + 1
end

-- what an entry takes in a JSON reply: content and author, each byte that JSON escapes as up to 6 bytes
-- (\u0001; quotes, backslashes and control characters), plus the fixed part
local function cost(fields)
  local size = overhead
  for i = 1, #fields, 2 do
    local name, value = fields[i], fields[i + 1]
    if name == 'c' or name == 'f' then
      size = size + #value
      -- most text has nothing to escape: find scans without building a copy, gsub only counts when there is
      if string.find(value, '[%z\1-\31"\\]') then
        local _, escaped = string.gsub(value, '[%z\1-\31"\\]', '')
        size = size + 5 * escaped
      end
    end
  end
  return size
end

-- reads from the exclusive start id in one direction, in batches, until the budget or the count is reached
local function scan(forward, start, stop)
  local taken, used = {}, 0
  while true do
    local want = math.max(1, math.floor((budget - used) / largest)) + 1
    if count > 0 then
      -- one beyond the count tells whether more is there
      want = math.min(want, count - #taken + 1)
    end
    local batch
    if forward then
      batch = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', want)
    else
      batch = redis.call('XREVRANGE', KEYS[1], start, stop, 'COUNT', want)
    end
    for _, entry in ipairs(batch) do
      if count > 0 and #taken >= count then
        return taken, 1
      end
      local size = cost(entry[2])
      if #taken > 0 and used + size > budget then
        return taken, 1
      end
      taken[#taken + 1] = entry
      used = used + size
    end
    if #batch < want then
      return taken, 0
    end
    start = '(' .. batch[#batch][1]
  end
end

local entries, more = {}, 0
if mode == 'after' then
  local start = '(' .. bound .. '-0'
  if floor and tonumber(bound) < floor then
    start = string.format('%d', floor) .. '-0'
  end
  entries, more = scan(true, start)
elseif mode == 'before' or mode == 'latest' then
  local newestFirst
  newestFirst, more = scan(false, mode == 'before' and ('(' .. bound .. '-0') or '+',
    floor and (string.format('%d', floor) .. '-0') or '-')
  for i = #newestFirst, 1, -1 do
    entries[#entries + 1] = newestFirst[i]
  end
end

local seen = redis.call('GET', KEYS[3])
return {meta[1] or '', meta[2] or '0', redis.call('PTTL', KEYS[1]), seen or '', entries, more}
