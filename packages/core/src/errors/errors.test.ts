import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeValue,
  isConfigError,
  isRejectedError,
  isSentinelError,
  isTimeoutError,
  RejectedError,
  SentinelError,
  TimeoutError,
} from './errors.ts';

describe('errors', () => {
  it('carry a literal code, a stable name, and the cause', () => {
    const cause = new Error('socket hang up');
    const error = new RejectedError('SENTINEL_CIRCUIT_OPEN', 'circuit is open', { cause, retryAfterMs: 250 });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(SentinelError);
    expect(error.code).toBe('SENTINEL_CIRCUIT_OPEN');
    expect(error.name).toBe('RejectedError');
    expect(error.cause).toBe(cause);
    expect(error.retryAfterMs).toBe(250);
    expect(String(error)).toBe('RejectedError: circuit is open');
  });

  it('leave cause and retryAfterMs unset when not given', () => {
    const error = new RejectedError('SENTINEL_REJECTED', 'no');
    expect('cause' in error).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('TimeoutError says how long the deadline was', () => {
    const error = new TimeoutError(1500);
    expect(error.code).toBe('SENTINEL_TIMEOUT');
    expect(error.name).toBe('TimeoutError');
    expect(error.timeoutMs).toBe(1500);
    expect(error.message).toBe('operation timed out after 1500 ms');
  });

  it('ConfigError names the owner, the option, the value and what is allowed', () => {
    const error = new ConfigError({ owner: 'retry', option: 'maxAttempts', value: 0, expected: 'an integer >= 1' });
    expect(error.message).toBe('retry: "maxAttempts" must be an integer >= 1; received 0');
    expect(error).toMatchObject({ owner: 'retry', option: 'maxAttempts', value: 0, expected: 'an integer >= 1' });
    expect(error.name).toBe('ConfigError');
  });

  it('guards tell the kinds apart', () => {
    const timeout = new TimeoutError(1);
    const config = new ConfigError({ owner: 'o', option: 'x', value: 1, expected: 'y' });
    const rejected = new RejectedError('SENTINEL_RATE_LIMITED', 'later');
    expect([
      isSentinelError(timeout),
      isTimeoutError(timeout),
      isRejectedError(timeout),
      isConfigError(timeout),
    ]).toEqual([true, true, false, false]);
    expect([isSentinelError(config), isTimeoutError(config), isRejectedError(config), isConfigError(config)]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([
      isSentinelError(rejected),
      isTimeoutError(rejected),
      isRejectedError(rejected),
      isConfigError(rejected),
    ]).toEqual([true, false, true, false]);
    for (const other of [new Error('x'), null, undefined, 'SENTINEL_TIMEOUT', { code: 'SENTINEL_TIMEOUT' }]) {
      expect(isSentinelError(other)).toBe(false);
      expect(isTimeoutError(other)).toBe(false);
    }
  });

  it('guards recognise errors from a second installed copy, where instanceof cannot', async () => {
    // The query string makes Vite load a separate instance of the module: separate classes.
    // @ts-expect-error -- TypeScript cannot type a module path with a query string.
    const copy = (await import('./errors.ts?second-copy')) as typeof import('./errors.ts');
    expect(copy.RejectedError).not.toBe(RejectedError);
    const foreign = new copy.RejectedError('SENTINEL_CIRCUIT_OPEN', 'open', { retryAfterMs: 5 });
    expect(foreign instanceof RejectedError).toBe(false);
    expect(isSentinelError(foreign)).toBe(true);
    expect(isRejectedError(foreign)).toBe(true);
    expect(isTimeoutError(new copy.TimeoutError(3))).toBe(true);
    expect(isConfigError(new copy.ConfigError({ owner: 'a', option: 'b', value: 1, expected: 'c' }))).toBe(true);
    expect(copy.isRejectedError(new RejectedError('SENTINEL_REJECTED', 'x'))).toBe(true);
  });

  it.each([
    ['text', '"text"'],
    ['x'.repeat(100), `"${'x'.repeat(57)}..."`],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [-0, '-0'],
    [10n, '10n'],
    [undefined, 'undefined'],
    [null, 'null'],
    [true, 'true'],
    [[1, 2], 'an array of length 2'],
    [{ a: 1 }, 'an object (Object)'],
    [new Map(), 'an object (Map)'],
    [() => 1, 'a function'],
    [Symbol('s'), 'Symbol(s)'],
  ])('describeValue(%s) renders %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});
