/**
 * Lua run inside Redis: each script is atomic, which is what makes the ordering and presence
 * rules hold with many nodes. Keys other than KEYS[] are built from the prefix, so this needs a
 * single Redis (or Sentinel), not Redis Cluster.
 */
const NOW_MS = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Publishes a stored message in seq order per conversation. KEYS: last-published seq, held
 * frames (hash seq -> frame), conversations holding frames (zset, score: since when).
 * ARGV: channel, seq, frame, conversation, ttl (s). A frame after a gap waits until the gap is
 * filled or FLUSH_HELD gives up on it; so does one that is not seq 1 when nothing is known of
 * its conversation (new to this Redis, or idle past the ttl): its predecessor may be on its way.
 * A frame at or below the last published seq (late: its gap was given up on) goes out at once.
 */
export const PUBLISH_ORDERED = `
${NOW_MS}
local seq = tonumber(ARGV[2])
local known = redis.call('GET', KEYS[1])
local last = known and tonumber(known) or (seq == 1 and 0 or nil)
if last and seq <= last then
  redis.call('PUBLISH', ARGV[1], ARGV[3])
  return 2
end
if not last or seq > last + 1 then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  redis.call('ZADD', KEYS[3], 'NX', now, ARGV[4])
  return 0
end
redis.call('PUBLISH', ARGV[1], ARGV[3])
last = seq
while true do
  local f = redis.call('HGET', KEYS[2], tostring(last + 1))
  if not f then break end
  redis.call('PUBLISH', ARGV[1], f)
  redis.call('HDEL', KEYS[2], tostring(last + 1))
  last = last + 1
end
redis.call('SET', KEYS[1], last, 'EX', ARGV[5])
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[4])
else
  redis.call('ZADD', KEYS[3], now, ARGV[4])
end
return 1
`;

/**
 * Gives up on gaps older than the hold time (the node that had the missing seq died between its
 * commit and its publish): publishes what was held, in seq order. KEYS: the zset of
 * PUBLISH_ORDERED. ARGV: channel, prefix, hold (ms), ttl (s).
 */
export const FLUSH_HELD = `
${NOW_MS}
local convs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, 100)
for _, conv in ipairs(convs) do
  local held = ARGV[2] .. ':held:' .. conv
  local nums = {}
  for i, s in ipairs(redis.call('HKEYS', held)) do nums[i] = tonumber(s) end
  table.sort(nums)
  local top = nil
  for _, n in ipairs(nums) do
    redis.call('PUBLISH', ARGV[1], redis.call('HGET', held, tostring(n)))
    top = n
  end
  redis.call('DEL', held)
  if top then
    local lk = ARGV[2] .. ':last:' .. conv
    if top > tonumber(redis.call('GET', lk) or '0') then redis.call('SET', lk, top, 'EX', ARGV[4]) end
  end
  redis.call('ZREM', KEYS[1], conv)
end
return #convs
`;

/**
 * A user's first session on a node. KEYS: the node's users (hash key -> offline frame), the
 * nodes that have the user (set), everyone online (hash key -> info). ARGV: node, user key,
 * info JSON, online frame, offline frame, channel. Publishes online if no other node had them.
 */
export const ARRIVE = `
redis.call('HSET', KEYS[1], ARGV[2], ARGV[5])
if redis.call('SADD', KEYS[2], ARGV[1]) == 1 and redis.call('SCARD', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
  redis.call('PUBLISH', ARGV[6], ARGV[4])
  return 1
end
return 0
`;

/** A user's last session on a node ended. KEYS as ARRIVE. ARGV: node, user key, offline frame, channel. */
export const DEPART = `
redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('SREM', KEYS[2], ARGV[1]) == 1 and redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('HDEL', KEYS[3], ARGV[2])
  redis.call('PUBLISH', ARGV[4], ARGV[3])
  return 1
end
return 0
`;

/** A node is alive for ttl more ms. KEYS: nodes (zset, score: expiry). ARGV: node, ttl (ms). Returns 1 if the node was not known (new, or expired by others). */
export const HEARTBEAT = `
${NOW_MS}
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
`;

/**
 * Removes nodes whose heartbeat expired (or, with ARGV[3], that one node, leaving): each of
 * their users goes offline unless another node still has them. KEYS: nodes, online.
 * ARGV: prefix, channel, node to remove ('' for the expired ones).
 */
export const EXPIRE_NODES = `
${NOW_MS}
local gone
if ARGV[3] ~= '' then gone = { ARGV[3] } else gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 100) end
local offline = 0
for _, node in ipairs(gone) do
  local users = ARGV[1] .. ':node:' .. node
  local entries = redis.call('HGETALL', users)
  for i = 1, #entries, 2 do
    local where = ARGV[1] .. ':where:' .. entries[i]
    if redis.call('SREM', where, node) == 1 and redis.call('SCARD', where) == 0 then
      redis.call('HDEL', KEYS[2], entries[i])
      redis.call('PUBLISH', ARGV[2], entries[i + 1])
      offline = offline + 1
    end
  end
  redis.call('DEL', users)
  redis.call('ZREM', KEYS[1], node)
end
return offline
`;
