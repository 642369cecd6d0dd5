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
local function left(t)
  return math.floor((burst - (t - now)) * 1000 / interval)
end
local function store(t)
  if t <= now then
    redis.call('DEL', KEYS[1])
  else
    redis.call('SET', KEYS[1], string.format('%.3f', t), 'PX', math.ceil((t - now) / 1000) + 1)
  end
end
if n < 0 then
  local back = tat + n * interval
  if back < now then back = now end
  store(back)
  return {1, left(back), 0}
end
if n == 0 then
  return {1, left(tat), math.max(0, math.ceil(tat + interval - burst - now))}
end
local nextTat = tat + n * interval
local wait = nextTat - burst - now
if wait > tonumber(ARGV[4]) then
  return {0, left(tat), math.ceil(wait)}
end
store(nextTat)
return {1, left(nextTat), math.max(0, math.ceil(wait))}
`;

/** SHA1 of the script, for EVALSHA. */
export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_SCRIPT).digest('hex');
