import { EPOCH_SECONDS, sha1 } from './script.ts';

/*
 * The exact sliding window as a log: a sorted set holding one member per permit, its time in
 * ticks (1/16 µs since the epoch of script.ts, on Redis's TIME) as both score and member. A permit
 * at time t counts in [t, t + window). A new permit's time is the earliest that keeps every window
 * within the limit: at or after now, after the newest permit (so the log is in arrival order and
 * members are unique), and at least a window after the permit `limit` places before it. A time in
 * the future is a reservation: the caller waits for it.
 *
 * KEYS[1]  the log
 * ARGV[1]  window, in ticks (an integer)
 * ARGV[2]  limit
 * then one pair per request, decided in order:
 *   n > 0   take n permits; the second value is the longest wait in ticks (0: now or never)
 *   n = 0   peek
 *   n < 0   give back an aborted reservation; the second value is 'first:last' (its ticks).
 *           Give-backs are applied before the other requests of the same run.
 *
 * Times are unique: a permit comes at least one tick after the one before; that spacing (at most
 * one tick (62.5 ns) per permit of the run) is not counted as a wait.
 *
 * Each request's reply is {code, first, last, next, used}: code >= 0 granted (the wait, in ticks,
 * until its last permit), < 0 refused (-1 - that wait; nothing taken), 0 for a peek or a give-back;
 * first/last the times of its permits (0 unless granted); next the wait until one more permit
 * could be granted; used the permits in the log (reservations included). One request returns its
 * reply, several an array of them. The key expires a window after its newest permit.
 */
export const SLIDING_WINDOW_SCRIPT = `
local time = redis.call('TIME')
local now = (time[1] - ${EPOCH_SECONDS}) * 16000000 + time[2] * 16
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local key = KEYS[1]
local need = 1
for i = 3, #ARGV, 2 do
  local n = tonumber(ARGV[i])
  if n > 0 then
    need = need + n
  elseif n < 0 then
    local range = ARGV[i + 1]
    local sep = string.find(range, ':', 1, true)
    redis.call('ZREMRANGEBYSCORE', key, string.sub(range, 1, sep - 1), string.sub(range, sep + 1))
  end
end
redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', now - window))
local count = redis.call('ZCARD', key)
local newest = now - 1
if count > 0 then
  local top = tonumber(redis.call('ZRANGE', key, -1, -1)[1])
  if top > newest then newest = top end
end
-- The k-th permit added in this run must come a window after the permit at position
-- count + k - limit of the log (1-based); fetch the ones still in the log.
local old = {}
local low = count + 1 - limit
local high = count + need - limit
if high > count then high = count end
if high >= 1 then
  if low < 1 then low = 1 end
  local members = redis.call('ZRANGE', key, low - 1, high - 1)
  for j = 1, #members do old[low + j - 1] = tonumber(members[j]) end
end
local added = {}
local replies = {}
for i = 3, #ARGV, 2 do
  local n = tonumber(ARGV[i])
  local code, first, last = 0, 0, 0
  if n > 0 then
    local times = {}
    local t = newest
    local base = count + #added - limit
    for j = 1, n do
      t = t + 1
      local at = base + j
      if at >= 1 then
        local e
        if at <= count then e = old[at] else e = added[at - count] end
        if e + window > t then t = e + window end
      end
      times[j] = t
    end
    -- Up to one tick per permit of this run is spacing (unique, ordered times), not a wait.
    local wait = t - now - (#added + n)
    if wait < 0 then wait = 0 end
    if wait > tonumber(ARGV[i + 1]) then
      code = -1 - wait
    else
      for j = 1, n do added[#added + 1] = times[j] end
      newest = t
      code, first, last = wait, times[1], t
    end
  end
  local t = newest + 1
  local at = count + #added + 1 - limit
  if at >= 1 then
    local e
    if at <= count then e = old[at] else e = added[at - count] end
    if e + window > t then t = e + window end
  end
  local nextWait = t - now - (#added + 1)
  if nextWait < 0 then nextWait = 0 end
  replies[#replies + 1] = {code, first, last, nextWait, count + #added}
end
if #added > 0 then
  -- Score and member are the same string: no number-to-string conversion per permit.
  for from = 1, #added, 500 do
    local args = {}
    for j = from, math.min(#added, from + 499) do
      local member = string.format('%d', added[j])
      args[#args + 1] = member
      args[#args + 1] = member
    end
    redis.call('ZADD', key, unpack(args))
  end
  redis.call('PEXPIREAT', key, string.format('%d', ${EPOCH_SECONDS * 1000} + math.ceil((newest + window) / 16000)))
end
if #ARGV == 4 then return replies[1] end
return replies
`;

/** SHA1 of {@link SLIDING_WINDOW_SCRIPT}, for EVALSHA. */
export const SLIDING_WINDOW_SHA = sha1(SLIDING_WINDOW_SCRIPT);
