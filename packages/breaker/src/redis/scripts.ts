import { createHash } from 'node:crypto';

/*
 * The hash of open keys: one field per breaker key, valued '<deadline>|<text>' where the deadline
 * is in milliseconds on Redis's own clock (TIME), so processes with different clocks agree on
 * what is still open. Hash fields have no TTL of their own before Redis 7.4: the deadline in the
 * value plays that part, the hash itself expires with its latest deadline, and expired fields are
 * dropped when read and a few at a time when an open is recorded.
 */

/**
 * Records an open and announces it, atomically.
 *
 * KEYS[1]  the hash of open keys
 * ARGV[1]  the channel; ARGV[2] the breaker key; ARGV[3] open for (ms); ARGV[4] the text kept
 *          with it; ARGV[5] the message to publish
 *
 * A later deadline replaces an earlier one, never the reverse. Returns PUBLISH's receiver count.
 */
export const RECORD_OPEN_SCRIPT = `
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local deadline = now + tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[1], ARGV[2])
local known
if current then
  local sep = string.find(current, '|', 1, true)
  if sep then known = tonumber(string.sub(current, 1, sep - 1)) end
end
if not known or deadline > known then
  redis.call('HSET', KEYS[1], ARGV[2], string.format('%d', deadline) .. '|' .. ARGV[4])
end
if redis.call('PTTL', KEYS[1]) < deadline - now then
  redis.call('PEXPIRE', KEYS[1], string.format('%d', deadline - now + 1))
end
local sample = redis.call('HRANDFIELD', KEYS[1], 8, 'WITHVALUES')
for i = 1, #sample, 2 do
  local sep = string.find(sample[i + 1], '|', 1, true)
  local at = sep and tonumber(string.sub(sample[i + 1], 1, sep - 1))
  if not at or at <= now then redis.call('HDEL', KEYS[1], sample[i]) end
end
return redis.call('PUBLISH', ARGV[1], ARGV[5])
`;

/**
 * Reads the keys still open: a flat array of (key, ms left, text) triples. Drops expired fields.
 *
 * KEYS[1]  the hash of open keys
 */
export const READ_OPEN_SCRIPT = `
local time = redis.call('TIME')
local now = time[1] * 1000 + math.floor(time[2] / 1000)
local all = redis.call('HGETALL', KEYS[1])
local open = {}
for i = 1, #all, 2 do
  local value = all[i + 1]
  local sep = string.find(value, '|', 1, true)
  local deadline = sep and tonumber(string.sub(value, 1, sep - 1))
  if deadline and deadline > now then
    open[#open + 1] = all[i]
    open[#open + 1] = deadline - now
    open[#open + 1] = string.sub(value, sep + 1)
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return open
`;

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');
export const RECORD_OPEN_SHA = sha1(RECORD_OPEN_SCRIPT);
export const READ_OPEN_SHA = sha1(READ_OPEN_SCRIPT);
