import type { Trace, TraceEntry } from './trace.ts';

/**
 * Prints a decision trace as a few readable lines, one per entry, times aligned:
 *
 * ```text
 *     0 ms  attempt 1 sent
 *   2.4 ms  attempt 1: 503 (retryable status), Retry-After 1,000 ms
 *   2.4 ms  retry: wait 1,000 ms (Retry-After 1,000 ms won over backoff 87 ms)
 * 1,003 ms  attempt 2 sent
 * 1,005 ms  attempt 2: 200
 * 1,005 ms  done: 200 after 2 attempts
 * ```
 *
 * Entries it does not know (a custom policy's) print as `layer: decision key=value ...`.
 */
export function formatTrace(trace: Trace): string {
  if (!Array.isArray(trace)) throw new TypeError('formatTrace expects a trace (an array of entries)');
  const times = trace.map((entry) => `${ms(entry.at)} ms`);
  const width = Math.max(0, ...times.map((t) => t.length));
  return trace.map((entry, i) => `${(times[i] as string).padStart(width)}  ${describe(entry)}`).join('\n');
}

function describe(e: TraceEntry): string {
  switch (`${e.layer}:${e.decision}`) {
    case 'client:send':
      return `attempt ${e.attempt} sent`;
    case 'client:response': {
      let text = `attempt ${e.attempt}: ${e.status}`;
      if (e.retryable === true) text += ' (retryable status)';
      else if (typeof e.notRetried === 'string') text += ` (retryable status, not retried: ${e.notRetried})`;
      if (typeof e.retryAfterMs === 'number') text += `, Retry-After ${ms(e.retryAfterMs)} ms`;
      return text;
    }
    case 'client:error':
      return `attempt ${e.attempt} failed: ${e.error}${e.retryable === false ? ' (not retryable)' : ''}`;
    case 'client:end':
      return e.ok === true
        ? `done: ${e.status} after ${attempts(e.attempts)}`
        : `failed: ${e.error} after ${attempts(e.attempts)}`;
    case 'retry:wait': {
      const hint = typeof e.retryAfterMs === 'number' ? `Retry-After ${ms(e.retryAfterMs)} ms` : undefined;
      const backoff = `backoff ${ms(Number(e.backoffMs))} ms`;
      const why =
        hint === undefined
          ? backoff
          : e.delaySource === 'retry-after'
            ? `${hint} won over ${backoff}`
            : `${backoff} won over ${hint}`;
      return `retry: wait ${ms(Number(e.delayMs))} ms (${why})`;
    }
    case 'retry:give-up':
      return `retry: gave up after ${attempts(e.attempts)} (${e.reason})`;
    case 'breaker:reject':
      return `breaker: ${e.state}, rejected${typeof e.retryAfterMs === 'number' ? ` (admits again in ${ms(e.retryAfterMs)} ms)` : ''}`;
    case 'breaker:probe':
      return 'breaker: half-open, let through as a probe';
    case 'rate-limit:wait':
      return `rate limit: waited ${ms(Number(e.waitedMs))} ms`;
    case 'rate-limit:reject':
      return `rate limit: rejected (${e.reason})${typeof e.retryAfterMs === 'number' ? `, next permit in about ${ms(e.retryAfterMs)} ms` : ''}`;
    case 'hedge:start':
      return `hedge ${e.hedge} started after ${ms(Number(e.afterMs))} ms (${e.reason === 'failure' ? 'an attempt failed' : 'no answer yet'})`;
    case 'hedge:win': {
      const who =
        typeof e.attempt === 'number'
          ? `attempt ${e.attempt}`
          : e.hedge === 0
            ? 'the first request'
            : `hedge ${e.hedge}`;
      const role = e.hedge === 0 ? 'the first request' : `hedge ${e.hedge}`;
      return `hedge: ${who} won${who === role ? '' : ` (${role})`}, ${e.hedges === 1 ? '1 hedge' : `${e.hedges} hedges`} started`;
    }
    case 'hedge:abort': {
      const list = Array.isArray(e.attempts) ? (e.attempts as number[]) : [];
      const sent = list.length === 0 ? '' : `${list.length === 1 ? 'attempt' : 'attempts'} ${list.join(', ')}`;
      const unsent = typeof e.unsent === 'number' ? `${e.unsent} not yet sent` : '';
      return `hedge: aborted the losers: ${[sent, unsent].filter((t) => t !== '').join(' and ')}`;
    }
    case 'timeout:expired':
      return `timeout: expired after ${ms(Number(e.ms))} ms`;
    default:
      return `${e.layer}: ${e.decision}${details(e)}`;
  }
}

function details(e: TraceEntry): string {
  let text = '';
  for (const [key, value] of Object.entries(e)) {
    if (key === 'at' || key === 'layer' || key === 'decision') continue;
    text += ` ${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
  }
  return text;
}

function attempts(n: unknown): string {
  return n === 1 ? '1 attempt' : `${n} attempts`;
}

/** Milliseconds for people: whole numbers grouped by thousands, one decimal below 10. */
function ms(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 10 && !Number.isInteger(value)) return value.toFixed(1);
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
