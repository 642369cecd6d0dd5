import { markNonRetryable, RejectedError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { defaultIsRetryable, pauseOf } from './outcome.ts';

const http = (status: number, retryAfterMs?: number) =>
  Object.assign(new Error(`HTTP ${status}`), { status, retryAfterMs });

describe('what a failure asks of the queue', () => {
  it.each([
    ['a 429 with Retry-After: its hint, in whole ms (BullMQ sets PX)', http(429, 410.2), 411],
    ['a 429 without one: defaultPauseMs', http(429), 1_000],
    ['an axios-style statusCode 429', Object.assign(new Error('x'), { statusCode: 429, retryAfterMs: 5 }), 5],
    [
      'an open breaker: its retryAfterMs',
      new RejectedError('SENTINEL_CIRCUIT_OPEN', 'open', { retryAfterMs: 250 }),
      250,
    ],
    ['a hint beyond maxPauseMs is capped', http(429, 10_000_000), 300_000],
    ['a 503 does not pause', http(503, 100), undefined],
    [
      'another rejection (a full limiter) does not pause',
      new RejectedError('SENTINEL_RATE_LIMITED', 'x', { retryAfterMs: 5 }),
      undefined,
    ],
    ['not an error', 'boom', undefined],
  ])('%s', (_name, error, expected) => {
    expect(pauseOf(error, 1_000, 300_000)).toBe(expected);
  });

  it.each([
    [http(500), true],
    [http(404), false],
    [http(400), false],
    [http(408), true],
    [http(425), true],
    [http(429), true],
    [new Error('ECONNRESET'), true],
    [markNonRetryable(new Error('bad input')), false],
    [null, true],
  ])('isRetryable by default: %s → %s', (error, expected) => {
    expect(defaultIsRetryable(error)).toBe(expected);
  });
});
