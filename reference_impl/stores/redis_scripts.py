"""Lua scripts of the Redis tier: each runs atomically on one hash slot, in one round trip.

A session value is ``"<version>:<created>:<cap>:<synced>:<len(user)>:<user><JSON>"``;
``parse``/``pack`` below read and write that layout inside Redis.
"""

from __future__ import annotations

PARSE = """
local function parse(val)
  if not val then return nil end
  local v, c, x, y, n, rest = string.match(val, '^(%d+):(%d+):(%d+):(%d+):(%d+):(.*)$')
  if not v then return nil end
  n = tonumber(n)
  return {v = tonumber(v), c = c, x = tonumber(x), y = y,
          u = string.sub(rest, 1, n), d = string.sub(rest, n + 1)}
end
local function pack(s)
  return s.v .. ':' .. s.c .. ':' .. s.x .. ':' .. s.y .. ':' .. #s.u .. ':' .. s.u .. s.d
end
local function ttl_of(s, now, timeout)
  return math.min(timeout, s.x - now)
end
"""

CREATE = (
    PARSE
    + """
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return 1
"""
)

REFILL = (
    PARSE
    + """
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local cur = parse(redis.call('GET', KEYS[1]))
if cur and cur.v >= tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return 1
"""
)

UPDATE = (
    PARSE
    + """
local s = parse(redis.call('GET', KEYS[1]))
if not s then return {-1} end
local expected = tonumber(ARGV[2])
if expected >= 0 and s.v ~= expected then return {-2, s.v} end
local now = tonumber(ARGV[4])
local ttl = ttl_of(s, now, tonumber(ARGV[3]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return {-1} end
s.v = s.v + 1
s.d = ARGV[1]
s.y = ARGV[4]
redis.call('SET', KEYS[1], pack(s), 'PX', ttl)
return {s.v, ttl, s.u, s.c, s.x}
"""
)

TOUCH = (
    PARSE
    + """
local s = parse(redis.call('GET', KEYS[1]))
if not s then return {-1} end
local now = tonumber(ARGV[2])
local ttl = ttl_of(s, now, tonumber(ARGV[1]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return {-1} end
local sync = 0
if now - tonumber(s.y) >= tonumber(ARGV[3]) then
  s.y = ARGV[2]
  sync = 1
  redis.call('SET', KEYS[1], pack(s), 'PX', ttl)
else
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {ttl, sync}
"""
)

MARK_SYNCED = (
    PARSE
    + """
local s = parse(redis.call('GET', KEYS[1]))
if not s or s.v ~= tonumber(ARGV[1]) then return 0 end
s.y = ARGV[2]
redis.call('SET', KEYS[1], pack(s), 'KEEPTTL')
return 1
"""
)

DESTROY = (
    PARSE
    + """
local s = parse(redis.call('GET', KEYS[1]))
local existed = redis.call('DEL', KEYS[1])
-- A made-up id leaves nothing behind unless the caller knows the session existed.
if existed == 1 or ARGV[4] == '1' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[1]) end
if s then redis.call('SREM', ARGV[2] .. s.u, ARGV[3]) end
return existed
"""
)

ROTATE = (
    PARSE
    + """
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[4]) == 1 then
  return {-2}
end
local s = parse(redis.call('GET', KEYS[1]))
if not s then return {-1} end
local now = tonumber(ARGV[5])
local ttl = ttl_of(s, now, tonumber(ARGV[6]))
if ttl <= 0 then redis.call('DEL', KEYS[1]) return {-1} end
s.v = 1
s.y = ARGV[5]
redis.call('SET', KEYS[2], pack(s), 'PX', ttl)
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
redis.call('SREM', ARGV[4] .. s.u, ARGV[2])
redis.call('SADD', ARGV[4] .. s.u, ARGV[1])
return {1, ttl, s.u, s.d, s.c, s.x}
"""
)

REVOKE_ALL = """
local ids = redis.call('SMEMBERS', KEYS[1])
local n = 0
for _, sid in ipairs(ids) do
  n = n + redis.call('DEL', ARGV[1] .. sid)
  redis.call('SET', ARGV[2] .. sid, '1', 'PX', ARGV[3])
end
redis.call('DEL', KEYS[1])
return n
"""
