import { isNonRetryable } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { isRequestNotReplayableError } from './errors.ts';
import { RequestSafety, type RequestSafetyOptions } from './request-safety.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

function safety(overrides: Partial<RequestSafetyOptions> = {}): RequestSafety {
  return new RequestSafety({
    method: 'GET',
    hasIdempotencyKey: false,
    replayableBody: true,
    declaredIdempotent: false,
    wallClock: () => NOW,
    ...overrides,
  });
}

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const wrapped = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });

describe('RequestSafety', () => {
  it.each([
    // method, key, replayable, declared, error → may retry?
    ['GET', false, true, false, reset(), true],
    ['PUT', false, true, false, reset(), true],
    ['DELETE', false, true, false, reset(), true],
    ['POST', false, true, false, reset(), false],
    ['PATCH', false, true, false, reset(), false],
    ['POST', true, true, false, reset(), true],
    ['POST', false, true, true, reset(), true],
    ['POST', false, true, false, refused(), true],
    ['POST', false, true, false, wrapped('ECONNREFUSED'), true],
    ['POST', false, true, false, wrapped('UND_ERR_SOCKET'), false],
    ['POST', false, true, false, new Error('unknown failure'), false],
    ['GET', false, false, false, reset(), false],
    ['PUT', true, false, false, reset(), false],
    ['GET', false, false, false, refused(), true],
  ])(
    '%s key=%s replayable=%s declared=%s, after %s: retryable=%s',
    (method, key, replayable, declared, error, retryable) => {
      const guard = safety({
        method,
        hasIdempotencyKey: key,
        replayableBody: replayable,
        declaredIdempotent: declared,
      });
      expect(guard.onError(error)).toBe(error);
      expect(isNonRetryable(error)).toBe(!retryable);
    },
  );

  it.each([
    [200, false],
    [201, false],
    [301, false],
    [400, false],
    [404, false],
    [409, false],
    [501, false],
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])('status %i is a retryable failure: %s', (status, retryable) => {
    const failure = safety().onResponse({ status }, status, undefined, 'http://x/');
    expect(failure !== undefined).toBe(retryable);
    if (failure) {
      expect(failure.status).toBe(status);
      expect(failure.response).toEqual({ status });
      expect(failure.message).toBe(`HTTP ${status} from http://x/`);
    }
  });

  it('a retryable status of a request that must not be repeated is marked non-retryable', () => {
    expect(isNonRetryable(safety({ method: 'POST' }).onResponse({}, 503, undefined))).toBe(true);
    expect(isNonRetryable(safety({ method: 'POST', hasIdempotencyKey: true }).onResponse({}, 503, undefined))).toBe(
      false,
    );
  });

  it('reads Retry-After in seconds or as a date, strictly', () => {
    expect(safety().onResponse({}, 503, '7')?.retryAfterMs).toBe(7_000);
    expect(safety().onResponse({}, 429, new Date(NOW + 90_000).toUTCString())?.retryAfterMs).toBe(90_000);
    expect(safety().onResponse({}, 503, '1e3')?.retryAfterMs).toBeUndefined();
    expect(safety().onResponse({}, 503, null)?.retryAfterMs).toBeUndefined();
  });

  it('tells a limiter about Retry-After on 429 and 503 only', () => {
    const penalties: number[] = [];
    const guard = safety({ penalize: (ms) => penalties.push(ms) });
    guard.onResponse({}, 429, '2');
    guard.onResponse({}, 503, '3');
    guard.onResponse({}, 500, '4');
    guard.onResponse({}, 503, undefined);
    expect(penalties).toEqual([2_000, 3_000]);
  });

  it('refuses a second attempt of an unrepeatable request that may have reached the server, whatever the retry policy', () => {
    const guard = safety({ method: 'POST' });
    guard.beforeAttempt(1);
    guard.onError(reset());
    let refusal: unknown;
    try {
      guard.beforeAttempt(2);
    } catch (error) {
      refusal = error;
    }
    expect(isRequestNotReplayableError(refusal)).toBe(true);
    expect(isNonRetryable(refusal)).toBe(true);
  });

  it('allows a second attempt of a POST whose first attempt never left (connection refused)', () => {
    const guard = safety({ method: 'POST' });
    guard.onError(refused());
    expect(() => guard.beforeAttempt(2)).not.toThrow();
  });

  it('never sends a stream body twice', () => {
    const guard = safety({ method: 'PUT', replayableBody: false });
    guard.beforeAttempt(1);
    expect(() => guard.beforeAttempt(2)).toThrow('request not sent again: its body is a stream that was already sent');
  });
});
