import { createHash } from 'node:crypto';

/**
 * Time inside the scripts: integer ticks of 1/16 µs since 2025-01-01T00:00:00Z, read from Redis's
 * own clock (TIME), so client clock skew cannot matter. Relative to a recent epoch the numbers
 * stay below 2^53 (exact in Lua's doubles, written with '%d', the cheapest number-to-string
 * conversion in a script) until 2042; after that the precision halves gracefully to 1/8 µs, still
 * finer than microseconds since 1970 in a double (1/4 µs today).
 */
export const EPOCH_SECONDS = 1_735_689_600;
/** Script ticks per millisecond. */
export const TICKS_PER_MS = 16_000;

/** SHA1 of a script, for EVALSHA. */
export function sha1(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}

/*
 * The token bucket as GCRA: ONE number per key, the theoretical arrival time TAT (when the bucket
 * would be full again), so a decision is TIME + GET + SET, whatever the capacity.
 *
 * KEYS[1]  the bucket
 * ARGV[1]  interval: ticks per token (16e9 / refillPerSecond; may be fractional)
 * ARGV[2]  burst: capacity × interval
 * then one pair per request, decided in order:
 *   n        tokens to take; 0 peeks; a negative n gives tokens back (an aborted reservation)
 *   maxWait  the longest wait, in ticks, the caller accepts for a reservation (0: now or never)
 *
 * One request returns one integer, several an array of them (one per request):
 *   >= 0  granted; the bucket's debt (TAT - now, in ticks) after it. The caller's wait is
 *         debt - burst when positive (a reservation); tokens left are (burst - debt) / interval.
 *   <  0  refused (the wait would exceed maxWait); -1 - (the debt it would have made). Nothing
 *         was taken.
 *
 * Writes: the TAT, as an integer rounded UP (never in the caller's favour), only when it moved.
 * The key expires at the second the bucket is full again: a missing key IS a full bucket, so idle
 * buckets hold no memory. The expiry is moved only when the TAT enters a later second; otherwise
 * SET ... KEEPTTL, which is cheaper than re-arming it (the previous expiry is still late enough).
 * Scripts that call TIME and then write are replicated by effects (the default since Redis 5).
 * Needs Redis >= 6.2 (KEEPTTL, EXAT). No helper functions: Lua would build them as closures on
 * every run.
 */
export const TOKEN_BUCKET_SCRIPT = `
local time = redis.call('TIME')
local now = (time[1] - ${EPOCH_SECONDS}) * 16000000 + time[2] * 16
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = now
if stored and stored > now then tat = stored end
local first = tat
local reply
if #ARGV == 4 then
  local n = tonumber(ARGV[3])
  if n > 0 then
    local nextTat = tat + n * interval
    if nextTat - burst - now > tonumber(ARGV[4]) then return now - nextTat - 1 end
    tat = nextTat
  elseif n < 0 then
    tat = tat + n * interval
    if tat < now then tat = now end
  end
  reply = tat - now
else
  reply = {}
  for i = 3, #ARGV, 2 do
    local n = tonumber(ARGV[i])
    if n > 0 then
      local nextTat = tat + n * interval
      if nextTat - burst - now > tonumber(ARGV[i + 1]) then
        reply[#reply + 1] = now - nextTat - 1
      else
        tat = nextTat
        reply[#reply + 1] = tat - now
      end
    else
      if n < 0 then
        tat = tat + n * interval
        if tat < now then tat = now end
      end
      reply[#reply + 1] = tat - now
    end
  end
end
if tat == first then return reply end
tat = math.ceil(tat)
local second = math.ceil(tat / 16000000)
if stored and second <= math.ceil(stored / 16000000) then
  redis.call('SET', KEYS[1], string.format('%d', tat), 'KEEPTTL')
else
  redis.call('SET', KEYS[1], string.format('%d', tat), 'EXAT', string.format('%d', second + ${EPOCH_SECONDS}))
end
return reply
`;

/** SHA1 of {@link TOKEN_BUCKET_SCRIPT}, for EVALSHA. */
export const TOKEN_BUCKET_SHA = sha1(TOKEN_BUCKET_SCRIPT);
