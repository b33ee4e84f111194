/**
 * The Redis store's Lua scripts: each runs atomically on the node that holds
 * the session's two keys (its data hash and its meta hash share a hash tag, so
 * one slot in a cluster). Values are stored as their JSON text; a session's
 * JSON size is then 2 + Σ(key bytes + 3 + value bytes) + commas, computed here
 * exactly as Buffer.byteLength(JSON.stringify(data)) would (keys never need
 * escaping: validate.ts refuses `"`, `\` and control characters).
 *
 * Meta hash fields: c created (ms), u last written (ms), e expires (ms), uid
 * the signed-in user (from `_auth_user_id`), ua first user agent, net latest
 * network, x "1" on a tombstone.
 */

/** Lua shared by the writing scripts: the meta fields and expiry after a write. */
const TOUCH_META = `
local function written(data, meta, now, exp, ua, net, fields, created)
  if redis.call('EXISTS', meta) == 0 then redis.call('HSET', meta, 'c', created or now) end
  redis.call('HSET', meta, 'u', now, 'e', exp)
  if ua ~= '' then redis.call('HSETNX', meta, 'ua', ua) end
  if net ~= '' then redis.call('HSET', meta, 'net', net) end
  local uid = fields['_auth_user_id']
  if uid and string.match(uid, '^%d+$') then
    redis.call('HSET', meta, 'uid', uid)
  else
    uid = ''
    redis.call('HDEL', meta, 'uid')
  end
  redis.call('PEXPIREAT', data, exp)
  redis.call('PEXPIREAT', meta, exp)
  return uid
end

-- Lua's unpack stops at a few thousand values: large changes go in slices.
local function in_slices(command, key, list)
  for i = 1, #list, 1000 do
    redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
  end
end

local function json_size(fields)
  local count, bytes = 0, 2
  for k, v in pairs(fields) do
    count = count + 1
    bytes = bytes + #k + 3 + #v
  end
  if count > 1 then bytes = bytes + count - 1 end
  return count, bytes
end

-- The payload limit after a write: the anonymous one unless the data names a signed-in user.
local function limit_for(fields, max, anonymous_max)
  local uid = fields['_auth_user_id']
  if uid and string.match(uid, '^%d+$') then return max end
  return anonymous_max
end
`;

/** KEYS data, meta. → {"ended"} | {"missing"} | {"live", created, updated, [field, json]…, expires} */
export const LOAD = `
local m = redis.call('HMGET', KEYS[2], 'x', 'c', 'u', 'e')
if m[1] == '1' then return {'ended'} end
if not m[2] then return {'missing'} end
return {'live', m[2], m[3], redis.call('HGETALL', KEYS[1]), m[4]}
`;

/**
 * KEYS data, meta. ARGV now, expiresAt, replaceAll (1/0), userAgent, network,
 * maxBytes, anonymousMaxBytes, nSet, field, json, …, nRemoved, field, …, createdAt ("" for now; a rotation's session keeps its own)
 * → {"interrupted"} | {"too_large", bytes, limit} | {"emptied", "", oldUid} | {"saved", uid, oldUid, created ("1"/"")}
 */
export const SAVE = `${TOUCH_META}
local now, exp = tonumber(ARGV[1]), tonumber(ARGV[2])
if redis.call('HGET', KEYS[2], 'x') == '1' then return {'interrupted'} end
local replace = ARGV[3] == '1'
local fields = {}
if not replace then
  local flat = redis.call('HGETALL', KEYS[1])
  for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
end
local created = redis.call('EXISTS', KEYS[2]) == 0
local i = 8
local nset = tonumber(ARGV[i])
local set = {}
for _ = 1, nset do
  fields[ARGV[i + 1]] = ARGV[i + 2]
  set[#set + 1] = ARGV[i + 1]
  set[#set + 1] = ARGV[i + 2]
  i = i + 2
end
i = i + 1
local nremoved = tonumber(ARGV[i])
local removed = {}
for _ = 1, nremoved do
  i = i + 1
  fields[ARGV[i]] = nil
  removed[#removed + 1] = ARGV[i]
end
local created_at = tonumber(ARGV[i + 1])
local olduid = redis.call('HGET', KEYS[2], 'uid') or ''
local count, bytes = json_size(fields)
if count == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
  return {'emptied', '', olduid}
end
local limit = limit_for(fields, tonumber(ARGV[6]), tonumber(ARGV[7]))
if bytes > limit then return {'too_large', tostring(bytes), tostring(limit)} end
if replace then redis.call('DEL', KEYS[1]) end
if #set > 0 then in_slices('HSET', KEYS[1], set) end
if #removed > 0 and not replace then in_slices('HDEL', KEYS[1], removed) end
return {'saved', written(KEYS[1], KEYS[2], now, exp, ARGV[4], ARGV[5], fields, created_at), olduid, created and '1' or ''}
`;

/**
 * KEYS data, meta. ARGV now, expiresAt, field, by, maxBytes, userAgent, network, anonymousMaxBytes.
 * → {"interrupted"} | {"not_integer", json} | {"unsafe", json} | {"too_large", bytes, limit} | {"ok", value, uid, oldUid, created}
 */
export const INCREMENT = `${TOUCH_META}
local now, exp, field, by, max = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HGET', KEYS[2], 'x') == '1' then return {'interrupted'} end
local fields = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do fields[flat[i]] = flat[i + 1] end
local current = fields[field]
local n = 0
if current then
  if not string.match(current, '^%-?%d+$') then return {'not_integer', current} end
  n = tonumber(current)
end
local result = n + by
if result > 9007199254740991 or result < -9007199254740991 then return {'unsafe', current or '0'} end
local text = string.format('%d', result)
fields[field] = text
local _, bytes = json_size(fields)
local limit = limit_for(fields, max, tonumber(ARGV[8]))
if bytes > limit then return {'too_large', tostring(bytes), tostring(limit)} end
local olduid = redis.call('HGET', KEYS[2], 'uid') or ''
local created = redis.call('EXISTS', KEYS[2]) == 0
redis.call('HSET', KEYS[1], field, text)
return {'ok', text, written(KEYS[1], KEYS[2], now, exp, ARGV[6], ARGV[7], fields), olduid, created and '1' or ''}
`;

/** KEYS data, meta. ARGV expiresAt. A live session's expiry moves; nothing else changes. */
export const TOUCH = `
if redis.call('HGET', KEYS[2], 'x') == '1' or redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'e', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS data, meta. ARGV now, requiredUid ("" for any).
 * Leaves a tombstone for the session's remaining lifetime, so no late save
 * brings it back. With requiredUid, ends only a live session of that user.
 * → {"ended", uid} | {"already", ""} (a tombstone already) | {"missing", ""}
 * (nothing stored: no tombstone) | {"skipped"}
 */
export const END = `
local now = tonumber(ARGV[1])
local m = redis.call('HMGET', KEYS[2], 'x', 'e', 'uid')
if ARGV[2] ~= '' and (m[1] == '1' or m[3] ~= ARGV[2]) then return {'skipped'} end
if m[1] == '1' then return {'already', ''} end
-- Never stored, or expired: nothing to end, and no tombstone (as libSQL's UPDATE of no row).
if not m[2] then return {'missing', ''} end
local exp = tonumber(m[2])
redis.call('DEL', KEYS[1], KEYS[2])
if exp > now then
  redis.call('HSET', KEYS[2], 'x', '1', 'e', exp)
  redis.call('PEXPIREAT', KEYS[2], exp)
end
return {'ended', m[3] or ''}
`;

/**
 * KEYS data, meta. Evicts a session that no signed-in user holds (an
 * anonymous one, or a tombstone): the global bound's and a full server's
 * eviction, each in its own session's slot. → 1 evicted | 0 kept (signed in)
 */
export const EVICT = `
if redis.call('HGET', KEYS[2], 'uid') then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`;
