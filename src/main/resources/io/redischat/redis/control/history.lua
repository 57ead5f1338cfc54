-- history.lua: read a session's retained history with its meta, in one atomic step.
--
-- KEYS[1] history stream   KEYS[2] meta hash   KEYS[3] seen marker
-- ARGV[1] mode: 'all' | 'after' | 'before' | 'latest' | 'meta' (no entries)
-- ARGV[2] bound seq (exclusive) for 'after' and 'before'
-- ARGV[3] count (0 = no limit)
--
-- Returns {epoch or '', last seq, history PTTL in ms (-2 = gone), seen marker epoch or '', entries}
-- where entries are stream entries {id, {field, value, ...}}, oldest first.

local mode, bound, count = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local entries

if mode == 'meta' then
  entries = {}
elseif mode == 'after' then
  if count > 0 then
    entries = redis.call('XRANGE', KEYS[1], (bound + 1) .. '-0', '+', 'COUNT', count)
  else
    entries = redis.call('XRANGE', KEYS[1], (bound + 1) .. '-0', '+')
  end
elseif mode == 'before' or mode == 'latest' then
  local upper = '+'
  if mode == 'before' then
    if bound <= 1 then
      entries = {}
    else
      upper = (bound - 1) .. '-0'
    end
  end
  if not entries then
    if count > 0 then
      entries = redis.call('XREVRANGE', KEYS[1], upper, '-', 'COUNT', count)
    else
      entries = redis.call('XREVRANGE', KEYS[1], upper, '-')
    end
    local oldestFirst = {}
    for i = #entries, 1, -1 do
      oldestFirst[#oldestFirst + 1] = entries[i]
    end
    entries = oldestFirst
  end
else
  entries = redis.call('XRANGE', KEYS[1], '-', '+')
end

local meta = redis.call('HMGET', KEYS[2], 'epoch', 'seq')
local seen = redis.call('GET', KEYS[3])
return {meta[1] or '', meta[2] or '0', redis.call('PTTL', KEYS[1]), seen or '', entries}
