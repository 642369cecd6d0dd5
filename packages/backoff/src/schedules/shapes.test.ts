import { isConfigError } from '@sentinel/core';
import { constantRandom, sequenceRandom } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { delays } from './delays.ts';
import { constant, decorrelatedJitter, exponential, linear } from './shapes.ts';

function configError(run: () => unknown): { option: string; value: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('constant', () => {
  it('returns the same delay for every attempt', () => {
    expect(delays(constant(250), 4)).toEqual([250, 250, 250, 250]);
    expect(delays(constant(0), 2)).toEqual([0, 0]);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '100'])('rejects ms = %s naming it', (ms) => {
    const error = configError(() => constant(ms as number));
    expect(error.option).toBe('ms');
    expect(error.message).toContain('constant: "ms"');
  });
});

describe('linear', () => {
  it('adds stepMs for each further attempt', () => {
    expect(delays(linear({ initialMs: 100, stepMs: 50 }), 4)).toEqual([100, 150, 200, 250]);
  });

  it('steps by initialMs when stepMs is not given', () => {
    expect(delays(linear({ initialMs: 30 }), 3)).toEqual([30, 60, 90]);
  });

  it('rejects negative or NaN delays and unknown options', () => {
    expect(configError(() => linear({ initialMs: -5 })).option).toBe('initialMs');
    expect(configError(() => linear({ initialMs: 5, stepMs: Number.NaN })).option).toBe('stepMs');
    expect(configError(() => linear({ initialMs: 5, maxMs: 3 } as never)).option).toBe('maxMs');
  });
});

describe('exponential', () => {
  it('multiplies by factor each attempt and stops at maxMs', () => {
    expect(delays(exponential({ initialMs: 100, factor: 2, maxMs: 1_000 }), 6)).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(delays(exponential({ initialMs: 100, factor: 1.5, maxMs: 500 }), 5)).toEqual([100, 150, 225, 337.5, 500]);
  });

  it('defaults to 100 ms doubling up to 30 s', () => {
    const sequence = delays(exponential(), 12);
    expect(sequence.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(sequence.at(-1)).toBe(30_000);
  });

  it('stays at maxMs for attempts far past the overflow point', () => {
    const backoff = exponential({ initialMs: 1, factor: 10, maxMs: 5_000 });
    expect(backoff(10_000, 0, Math.random)).toBe(5_000);
  });

  it('regression (issue 15): initialMs 0 stays 0 past the overflow point instead of turning NaN', () => {
    const backoff = exponential({ initialMs: 0 });
    expect([backoff(1, 0, Math.random), backoff(1_025, 0, Math.random), backoff(1e9, 0, Math.random)]).toEqual([
      0, 0, 0,
    ]);
  });

  it('is constant with factor 1', () => {
    expect(delays(exponential({ initialMs: 40, factor: 1 }), 3)).toEqual([40, 40, 40]);
  });

  it('raises the default maxMs to initialMs when initialMs is above 30 s', () => {
    expect(delays(exponential({ initialMs: 60_000 }), 2)).toEqual([60_000, 60_000]);
  });

  it('rejects factor < 1, maxMs < initialMs and negative or NaN delays, naming option and value', () => {
    const factor = configError(() => exponential({ factor: 0.5 }));
    expect([factor.option, factor.value]).toEqual(['factor', 0.5]);
    expect(factor.message).toBe('exponential: "factor" must be a finite number >= 1; received 0.5');
    const max = configError(() => exponential({ initialMs: 200, maxMs: 100 }));
    expect([max.option, max.value]).toEqual(['maxMs', 100]);
    expect(max.message).toBe('exponential: "maxMs" must be a number >= initialMs (200); received 100');
    expect(configError(() => exponential({ initialMs: -1 })).option).toBe('initialMs');
    expect(configError(() => exponential({ initialMs: Number.NaN })).option).toBe('initialMs');
    expect(configError(() => exponential({ maxMs: Number.NaN })).option).toBe('maxMs');
  });
});

describe('decorrelatedJitter', () => {
  it('draws each delay from [initialMs, 3 × previous), starting from initialMs', () => {
    const random = sequenceRandom([0.5, 0, 0.999]);
    // 100 + 0.5 × (300 − 100) = 200; then 100 + 0 × (600 − 100) = 100; then 100 + 0.999 × (300 − 100) = 299.8
    expect(delays(decorrelatedJitter({ initialMs: 100, maxMs: 10_000 }), 3, { random })).toEqual([200, 100, 299.8]);
  });

  it('caps delays at maxMs', () => {
    expect(delays(decorrelatedJitter({ initialMs: 100, maxMs: 1_000 }), 5, { random: constantRandom(0.9) })).toEqual([
      280, 766, 1000, 1000, 1000,
    ]);
  });

  it('rejects maxMs < initialMs', () => {
    const error = configError(() => decorrelatedJitter({ initialMs: 500, maxMs: 100 }));
    expect([error.option, error.value]).toEqual(['maxMs', 100]);
  });
});
