import { circuitBreaker, isCircuitOpenError } from '@sentinel/breaker';
import { HttpError, isHttpError } from '@sentinel/client';
import {
  ConfigError,
  isConfigError,
  isNonRetryable,
  isRejectedError,
  isSentinelError,
  isTimeoutError,
  markNonRetryable,
  RejectedError,
  retryAfterOf,
  SentinelError,
  TimeoutError,
} from '@sentinel/core';
import { isRateLimitedError, RateLimitedError } from '@sentinel/ratelimit';
import { describe, expect, it } from 'vitest';
import { isQueueFullError, QueueFullError } from '../errors.ts';
import { deserializeValue, serializeValue } from './error-transport.ts';

/** What the other thread gets: written, structured-cloned (as postMessage does), rebuilt. */
function across(value: unknown): unknown {
  return deserializeValue(structuredClone(serializeValue(value)));
}

describe('error transport (in one thread, through structuredClone)', () => {
  it("core's and this package's errors come back as their own class, fields and cause included", () => {
    const timeout = across(new TimeoutError(50, { cause: new RangeError('inner') })) as TimeoutError;
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect([isTimeoutError(timeout), isSentinelError(timeout), timeout.name, timeout.code, timeout.timeoutMs]).toEqual([
      true,
      true,
      'TimeoutError',
      'SENTINEL_TIMEOUT',
      50,
    ]);
    expect(timeout.message).toBe('operation timed out after 50 ms');
    expect(timeout.cause).toBeInstanceOf(RangeError);
    expect((timeout.cause as Error).message).toBe('inner');

    const config = across(new ConfigError({ owner: 'o', option: 'depth', value: -1, expected: 'an integer >= 0' }));
    expect(config).toBeInstanceOf(ConfigError);
    expect(isConfigError(config)).toBe(true);
    expect(config).toMatchObject({ option: 'depth', value: -1, owner: 'o' });
    const full = across(new QueueFullError(3));
    expect([isQueueFullError(full), isRejectedError(full), full instanceof QueueFullError]).toEqual([true, true, true]);
  });

  it("other packages' errors keep every guard, name, code and field on a prototype of their own", async () => {
    const breaker = circuitBreaker();
    breaker.isolate();
    const open = await breaker.execute(async () => 1).catch((error: unknown) => error);
    const rate = new RateLimitedError('no tokens', { reason: 'empty', retryAfterMs: 250 });
    const http = new HttpError({
      method: 'GET',
      url: 'http://x/',
      status: 503,
      headers: { a: ['1', '2'] },
      bodyExcerpt: 'down',
      attempts: 2,
      retryAfterMs: 1000,
    });
    const [openBack, rateBack, httpBack] = [open, rate, http].map(across) as [Error, RateLimitedError, HttpError];
    expect([isCircuitOpenError(openBack), isRejectedError(openBack), openBack.name]).toEqual([
      true,
      true,
      'CircuitOpenError',
    ]);
    expect(openBack).toBeInstanceOf(RejectedError);
    expect(retryAfterOf(openBack)).toBe(retryAfterOf(open));
    expect([isRateLimitedError(rateBack), rateBack.reason, retryAfterOf(rateBack), rateBack.name]).toEqual([
      true,
      'empty',
      250,
      'RateLimitedError',
    ]);
    expect([isHttpError(httpBack), isRejectedError(httpBack), httpBack.status, httpBack.headers]).toEqual([
      true,
      false,
      503,
      { a: ['1', '2'] },
    ]);
    expect(httpBack).toBeInstanceOf(SentinelError);
    expect(String(httpBack)).toBe(String(http));
    // One prototype per kind of error, not one per error.
    expect(Object.getPrototypeOf(across(http))).toBe(Object.getPrototypeOf(httpBack));
  });

  it('plain errors keep their builtin class, own fields, stack, cause and registry-symbol marks', () => {
    const error = new TypeError('bad', { cause: 'a string cause' }) as TypeError & Record<string, unknown>;
    error.code = 'E_BAD';
    error.details = { rows: [1, 2], when: new Date(0) };
    error.callback = () => 'cannot cross';
    markNonRetryable(error);
    const back = across(error) as TypeError & Record<string, unknown>;
    expect(back).toBeInstanceOf(TypeError);
    expect(back).toMatchObject({ name: 'TypeError', message: 'bad', code: 'E_BAD', cause: 'a string cause' });
    expect(back.details).toEqual({ rows: [1, 2], when: new Date(0) });
    expect('callback' in back).toBe(false);
    expect(isNonRetryable(back)).toBe(true);
    expect(isSentinelError(back)).toBe(false);
    expect(back.stack).toBe(error.stack);
  });

  it('AggregateError, DOMException, cycles and thrown non-errors', () => {
    const aggregate = across(new AggregateError([new Error('one'), new TimeoutError(5)], 'two')) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(aggregate.errors.map((e: Error) => e.message)).toEqual(['one', 'operation timed out after 5 ms']);
    expect(isTimeoutError(aggregate.errors[1])).toBe(true);

    const abort = across(new DOMException('stop', 'AbortError')) as DOMException;
    expect(abort).toBeInstanceOf(DOMException);
    expect([abort.name, abort.message]).toEqual(['AbortError', 'stop']);

    const cyclic = new Error('cyclic') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    const back = across(cyclic) as Error;
    expect(back.message).toBe('cyclic');
    expect(back.cause).toBeUndefined();

    expect(across('a thrown string')).toBe('a thrown string');
    expect(across({ code: 1 })).toEqual({ code: 1 });
    expect(across(undefined)).toBeUndefined();
    expect(across(() => 1)).toBe('[function anonymous]');
  });

  it('a field whose toString lies is not called: an uncloneable field is left out, the rest crosses', () => {
    const liar = new Error('real message') as Error & Record<string, unknown>;
    liar.toString = () => 'a lie';
    liar.code = { toString: () => 'E_LIE' };
    liar.status = 500;
    const back = across(liar) as Error & Record<string, unknown>;
    expect(back.message).toBe('real message');
    expect(String(back)).toBe('Error: real message');
    expect([Object.hasOwn(back, 'code'), Object.hasOwn(back, 'toString'), back.status]).toEqual([false, false, 500]);
  });
});
