import { describe, expect, it } from 'vitest';
import { formatTrace } from './format-trace.ts';
import type { TraceEntry } from './trace.ts';

const line = (entry: Omit<TraceEntry, 'at'>, at = 0) => formatTrace([{ at, ...entry } as TraceEntry]);

describe('formatTrace', () => {
  it.each([
    [{ layer: 'client', decision: 'send', attempt: 1 }, '0 ms  attempt 1 sent'],
    [
      {
        layer: 'client',
        decision: 'response',
        attempt: 2,
        status: 503,
        retryable: false,
        notRetried: 'not-repeatable',
      },
      '0 ms  attempt 2: 503 (retryable status, not retried: not-repeatable)',
    ],
    [
      { layer: 'client', decision: 'error', attempt: 1, error: 'SENTINEL_NETWORK:ECONNRESET', retryable: true },
      '0 ms  attempt 1 failed: SENTINEL_NETWORK:ECONNRESET',
    ],
    [{ layer: 'client', decision: 'end', ok: true, status: 200, attempts: 1 }, '0 ms  done: 200 after 1 attempt'],
    [
      {
        layer: 'retry',
        decision: 'wait',
        attempt: 1,
        delayMs: 500,
        delaySource: 'backoff',
        backoffMs: 500,
        retryAfterMs: 100,
      },
      '0 ms  retry: wait 500 ms (backoff 500 ms won over Retry-After 100 ms)',
    ],
    [{ layer: 'breaker', decision: 'probe' }, '0 ms  breaker: half-open, let through as a probe'],
    [{ layer: 'breaker', decision: 'reject', state: 'isolated' }, '0 ms  breaker: isolated, rejected'],
    [
      { layer: 'rate-limit', decision: 'reject', reason: 'max-wait', retryAfterMs: 1234.5 },
      '0 ms  rate limit: rejected (max-wait), next permit in about 1,235 ms',
    ],
    [{ layer: 'timeout', decision: 'expired', ms: 250 }, '0 ms  timeout: expired after 250 ms'],
    [{ layer: 'cache', decision: 'hit', ageMs: 12, key: 'users' }, '0 ms  cache: hit ageMs=12 key=users'],
  ])('%o', (entry, expected) => {
    expect(line(entry)).toBe(expected);
  });

  it('aligns times, groups thousands and keeps one decimal under 10 ms', () => {
    const text = formatTrace([
      { at: 0.25, layer: 'client', decision: 'send', attempt: 1 },
      { at: 1_234_567, layer: 'rate-limit', decision: 'wait', waitedMs: 1_234_567 },
    ]);
    expect(text).toBe(['      0.3 ms  attempt 1 sent', '1,234,567 ms  rate limit: waited 1,234,567 ms'].join('\n'));
  });

  it('an empty trace prints nothing; a value that is not a trace is a TypeError', () => {
    expect(formatTrace([])).toBe('');
    expect(() => formatTrace('nope' as never)).toThrow(TypeError);
  });
});
