import { inspect } from 'node:util';
import { isRejectedError, isSentinelError, RejectedError, retryAfterOf } from '@sentinel/core';
import { flushMicrotasks } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { CircuitOpenError, isCircuitOpenError } from './errors.ts';

async function rejectionFromBreaker(): Promise<CircuitOpenError> {
  const breaker = circuitBreaker();
  breaker.isolate();
  return breaker
    .execute(async () => 1)
    .then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: CircuitOpenError) => error,
    );
}

describe('CircuitOpenError', () => {
  it('a rejection is a RejectedError with code, state, retryAfterMs and a message, without a captured stack', async () => {
    const breaker = circuitBreaker({ halfOpenAfter: 2_000 });
    breaker.tryAcquire()?.failure();
    for (let i = 0; i < 4; i++) breaker.tryAcquire()?.failure();
    const error = (await breaker.execute(async () => 1).catch((e: unknown) => e)) as CircuitOpenError;
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toBeInstanceOf(RejectedError);
    expect(error).toBeInstanceOf(Error);
    expect(isCircuitOpenError(error) && isRejectedError(error) && isSentinelError(error)).toBe(true);
    expect(error.name).toBe('CircuitOpenError');
    expect(error.code).toBe('SENTINEL_CIRCUIT_OPEN');
    expect(error.state).toBe('open');
    expect(error.retryAfterMs).toBeGreaterThan(1_900);
    expect(retryAfterOf(error)).toBe(error.retryAfterMs);
    expect(error.message).toMatch(/^circuit breaker is open; retry after \d+ ms$/);
    expect(String(error)).toBe(`CircuitOpenError: ${error.message}`);
    expect(error.stack).toContain('no stack trace captured');
    expect(inspect(error)).toContain('circuit breaker is open');
  });

  it('stack and message stay writable, as on any error', async () => {
    const error = await rejectionFromBreaker();
    error.stack = 'custom';
    error.message = 'changed';
    expect([error.stack, error.message]).toEqual(['custom', 'changed']);
  });

  it('built with new, it is a normal error with a captured stack', () => {
    const error = new CircuitOpenError('half-open', 250);
    expect(error.message).toBe('circuit breaker is half-open and every probe slot is taken; retry after 250 ms');
    expect(error.stack).toContain('errors.test.ts');
    expect(Object.prototype.toString.call(error)).toBe('[object Error]');
    expect(new CircuitOpenError('isolated').retryAfterMs).toBeUndefined();
  });

  it('isCircuitOpenError recognises an error from another installed copy and rejects look-alikes', async () => {
    // What a second copy of the packages produces: the same registry-symbol brands, another class.
    const otherCopy = Object.assign(new Error('circuit breaker is open'), {
      code: 'SENTINEL_CIRCUIT_OPEN',
      [Symbol.for('@sentinel/core:error')]: true,
      [Symbol.for('@sentinel/core:rejected')]: true,
    });
    expect(isCircuitOpenError(otherCopy)).toBe(true);
    expect(isCircuitOpenError(Object.assign(new Error('x'), { code: 'SENTINEL_CIRCUIT_OPEN' }))).toBe(false);
    expect(isCircuitOpenError(new RejectedError('SENTINEL_RATE_LIMITED', 'full'))).toBe(false);
    expect(isCircuitOpenError(null)).toBe(false);
    expect(isCircuitOpenError(await rejectionFromBreaker())).toBe(true);
  });

  it("rejections nobody handles are still reported as unhandled: the breaker's own and fn's", async () => {
    // The test runner reports unhandled rejections as errors: step aside while provoking two.
    const runner = process.listeners('unhandledRejection');
    process.removeAllListeners('unhandledRejection');
    const seen: unknown[] = [];
    const record = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', record);
    try {
      const failing = new Error('nobody awaits me');
      void circuitBreaker().execute(() => Promise.reject(failing));
      const open = circuitBreaker();
      open.isolate();
      void open.execute(async () => 1);
      for (let i = 0; i < 5 && seen.length < 2; i++) await flushMicrotasks();
      expect(seen).toHaveLength(2);
      expect(seen[0]).toBe(failing);
      expect(isCircuitOpenError(seen[1])).toBe(true);
    } finally {
      process.off('unhandledRejection', record);
      for (const listener of runner) process.on('unhandledRejection', listener);
    }
  });
});
