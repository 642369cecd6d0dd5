import { createHash } from 'node:crypto';

/*
 * The whole decision in ONE round trip: GCRA (the token bucket as a single number, the
 * theoretical arrival time TAT when the bucket would be full again), on Redis's own clock
 * (TIME), so client clock skew cannot matter. Scripts that call TIME and then write are
 * replicated by effects (the default since Redis 5), so replicas stay consistent.
 *
 * KEYS[1]  the bucket
 * ARGV[1]  interval: microseconds per token (1e6 / refillPerSecond)
 * ARGV[2]  capacity
 * ARGV[3]  n: tokens to take; 0 peeks; a negative n gives tokens back (an aborted reservation)
 * ARGV[4]  the longest wait, in microseconds, the caller accepts for a reservation (0: now or never)
 *
 * Returns { granted (0|1), tokens left × 1000 (rounded down), wait in microseconds }. A grant
 * with a positive wait is a reservation: the caller proceeds after that wait. The key expires
 * when the bucket would be full again: a missing key IS a full bucket, so no memory is kept
 * for idle buckets.
 */
export const TOKEN_BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2]) * interval
local n = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
if n == 0 then
  return {1, math.floor((burst - (tat - now)) * 1000 / interval), math.max(0, math.ceil(tat + interval - burst - now))}
end
local wait = 0
if n < 0 then
  tat = tat + n * interval
  if tat < now then tat = now end
else
  tat = tat + n * interval
  wait = tat - burst - now
  if wait > tonumber(ARGV[4]) then
    tat = tat - n * interval
    return {0, math.floor((burst - (tat - now)) * 1000 / interval), math.ceil(wait)}
  end
end
-- No helper functions: Lua would build them as closures on every run of the script.
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  -- string.format, not a number argument: Redis renders numbers with 14 digits, too few for µs.
  redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return {1, math.floor((burst - (tat - now)) * 1000 / interval), math.max(0, math.ceil(wait))}
`;

/** SHA1 of the script, for EVALSHA. */
export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_SCRIPT).digest('hex');
