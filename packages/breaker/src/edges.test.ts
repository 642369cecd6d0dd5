import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { breakerGroup } from './breaker-group.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { isCircuitOpenError } from './errors.ts';
import { consecutive } from './triggers/consecutive.ts';
import { countWindow } from './triggers/count-window.ts';
import { timeWindow } from './triggers/time-window.ts';

/* The public functions at their edges, as a careless or hostile caller would use them. */

const fail = async () => {
  throw new Error('down');
};

function configErrorOf(make: () => unknown): Error & { option?: unknown } {
  try {
    make();
  } catch (error) {
    expect(isConfigError(error), String((error as Error)?.message)).toBe(true);
    return error as Error;
  }
  throw new Error('no ConfigError thrown');
}

/** Each numeric option, and how to pass a value to it. */
const numeric: { option: string; make: (value: unknown) => unknown }[] = [
  { option: 'halfOpenAfter', make: (v) => circuitBreaker({ halfOpenAfter: v as number }) },
  { option: 'halfOpenMaxCalls', make: (v) => circuitBreaker({ halfOpenMaxCalls: v as number }) },
  { option: 'halfOpenSuccesses', make: (v) => circuitBreaker({ halfOpenSuccesses: v as number }) },
  { option: 'halfOpenProbeTimeoutMs', make: (v) => circuitBreaker({ halfOpenProbeTimeoutMs: v as number }) },
  { option: 'threshold', make: (v) => consecutive({ threshold: v as number }) },
  { option: 'size', make: (v) => countWindow({ size: v as number, failureRate: 0.5 }) },
  { option: 'failureRate', make: (v) => countWindow({ size: 10, failureRate: v as number }) },
  { option: 'minimumCalls', make: (v) => countWindow({ size: 10, failureRate: 0.5, minimumCalls: v as number }) },
  { option: 'slowCallMs', make: (v) => countWindow({ size: 10, failureRate: 0.5, slowCallMs: v as number }) },
  { option: 'windowMs', make: (v) => timeWindow({ windowMs: v as number, failureRate: 0.5 }) },
  { option: 'buckets', make: (v) => timeWindow({ windowMs: 1_000, failureRate: 0.5, buckets: v as number }) },
  {
    option: 'minimumThroughput',
    make: (v) => timeWindow({ windowMs: 1_000, failureRate: 0.5, minimumThroughput: v as number }),
  },
  { option: 'maxKeys', make: (v) => breakerGroup({ create: () => circuitBreaker(), maxKeys: v as number }) },
  { option: 'idleMs', make: (v) => breakerGroup({ create: () => circuitBreaker(), idleMs: v as number }) },
  { option: 'ms', make: (v) => circuitBreaker().trip(v as number) },
];

describe('wrong-typed numbers are refused, naming the option, without coercing', () => {
  let coerced = 0;
  const liar = {
    valueOf: () => {
      coerced++;
      return 5;
    },
    toString: () => {
      coerced++;
      return '5';
    },
  };
  const bomb = {
    [Symbol.toPrimitive]: () => {
      throw new Error('coerced');
    },
  };
  const values: [string, unknown][] = [
    ['an object whose valueOf/toString say 5', liar],
    ['an object that throws when coerced', bomb],
    ['the string "5"', '5'],
    ['a BigInt', 5n],
    ['NaN', Number.NaN],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['null', null],
    ['true', true],
  ];
  const cases = numeric.flatMap(({ option, make }) => values.map(([name, value]) => ({ option, make, name, value })));

  it.each(cases)('$option = $name', ({ option, make, value }) => {
    coerced = 0;
    const error = configErrorOf(() => make(value));
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toContain('received');
    expect(coerced).toBe(0);
  });

  it.each(numeric.filter((n) => !['idleMs'].includes(n.option)))('$option = Infinity is refused', ({ make }) => {
    configErrorOf(() => make(Number.POSITIVE_INFINITY));
  });

  it('idleMs = Infinity is allowed (keep breakers until maxKeys pushes them out)', () => {
    expect(() => breakerGroup({ create: () => circuitBreaker(), idleMs: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it.each([
    ['threshold', (v: number) => consecutive({ threshold: v })],
    ['halfOpenSuccesses', (v: number) => circuitBreaker({ halfOpenSuccesses: v })],
    ['minimumThroughput', (v: number) => timeWindow({ windowMs: 1_000, failureRate: 0.5, minimumThroughput: v })],
  ])('%s above 2^53 - 1 is refused: a count that high could never be reached (regression)', (option, make) => {
    expect(() => make(Number.MAX_SAFE_INTEGER)).not.toThrow();
    const error = configErrorOf(() => make(2 ** 53));
    expect(error.message).toContain(`"${option}" must be an integer between 1 and ${Number.MAX_SAFE_INTEGER}`);
    configErrorOf(() => make(1e300));
  });

  it('a time window shorter than 1 ms is refused: it would never forget a call (regression)', () => {
    configErrorOf(() => timeWindow({ windowMs: 1e-300, failureRate: 0.5 }));
    configErrorOf(() => timeWindow({ windowMs: 0.5, failureRate: 0.5 }));
    expect(() => timeWindow({ windowMs: 1, failureRate: 0.5, buckets: 1 })).not.toThrow();
  });

  it('a 1 ms window forgets a call 1 ms later, even at a large clock reading', async () => {
    const clock = new ManualClock(1e12);
    const breaker = circuitBreaker({
      trigger: timeWindow({ windowMs: 1, buckets: 1, failureRate: 1, minimumThroughput: 2 }),
      clock,
    });
    breaker.tryAcquire()?.success();
    expect(breaker.status().calls).toBe(1);
    await clock.advance(1);
    expect(breaker.status().calls).toBe(0);
  });
});

describe('accepted edge values behave', () => {
  it.each([0, -0])('halfOpenAfter %s: a failure opens, and the next call is a probe at once', async (halfOpenAfter) => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter, clock });
    const seen: string[] = [];
    breaker.onStateChange(({ to }) => seen.push(to));
    await breaker.execute(fail).catch(() => {});
    expect(breaker.status()).toMatchObject({ state: 'half-open', retryAfterMs: 0, attempt: 1 });
    await expect(breaker.execute(async () => 'probe')).resolves.toBe('probe');
    expect(seen).toEqual(['open', 'half-open', 'closed']);
    expect(Object.is(breaker.toJSON().lastOpenMs, -0)).toBe(false);
  });

  it('threshold 1 opens on the first failure; a success in between never counts', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }) });
    await breaker.execute(async () => 1);
    expect(breaker.state).toBe('closed');
    await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('threshold at its max (2^53 - 1) stays closed through many failures, and its snapshot restores', async () => {
    const trigger = consecutive({ threshold: Number.MAX_SAFE_INTEGER });
    const breaker = circuitBreaker({ trigger });
    for (let i = 0; i < 1_000; i++) await breaker.execute(fail).catch(() => {});
    expect(breaker.status()).toMatchObject({ state: 'closed', failures: 1_000 });
    const restored = circuitBreaker({ trigger, initialState: JSON.parse(JSON.stringify(breaker)) });
    expect(restored.status().failures).toBe(1_000);
  });

  it('a count window of size 1 with minimumCalls 1 opens on one failure', async () => {
    const breaker = circuitBreaker({ trigger: countWindow({ size: 1, failureRate: 1 }) });
    await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('open');
  });
});

describe('many concurrent calls while half-open', () => {
  it.each([1, 2, 7])('halfOpenMaxCalls %i: exactly that many probes run, every other call is refused', async (max) => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: 100,
      halfOpenMaxCalls: max,
      halfOpenSuccesses: max,
      clock,
    });
    await breaker.execute(fail).catch(() => {});
    await clock.advance(100);
    let rejects = 0;
    breaker.onReject(() => rejects++);
    const release: (() => void)[] = [];
    let ran = 0;
    const slow = () =>
      new Promise<string>((resolve) => {
        ran++;
        release.push(() => resolve('ok'));
      });
    // Calls and permits interleaved, all before any probe settles.
    const calls: Promise<unknown>[] = [];
    const permits: unknown[] = [];
    for (let i = 0; i < 60; i++) {
      if (i % 6 === 5) permits.push(breaker.tryAcquire());
      else calls.push(breaker.execute(slow));
    }
    const admitted = ran + permits.filter((p) => p !== undefined).length;
    expect(admitted).toBe(max);
    expect(rejects).toBe(60 - max);
    expect(breaker.status()).toMatchObject({ state: 'half-open', probesInFlight: max });
    for (const done of release) done();
    for (const permit of permits) (permit as { success(): void } | undefined)?.success();
    const results = await Promise.allSettled(calls);
    const refused = results.filter((r) => r.status === 'rejected' && isCircuitOpenError(r.reason)).length;
    expect(refused + (permits.length - permits.filter((p) => p !== undefined).length)).toBe(60 - max);
    expect(breaker.state).toBe('closed');
  });

  it('once one probe has closed the breaker, the other probes still running count for nothing', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: 100,
      halfOpenMaxCalls: 3,
      clock,
    });
    await breaker.execute(fail).catch(() => {});
    await clock.advance(100);
    const probes = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
    expect(probes.every((p) => p?.probe === true)).toBe(true);
    probes[0]?.success();
    expect(breaker.state).toBe('closed');
    probes[1]?.failure(new Error('late'));
    probes[2]?.failure(new Error('late'));
    expect(breaker.status()).toMatchObject({ state: 'closed', failures: 0, probesInFlight: 0 });
  });
});

describe('the surface a JS caller can reach', () => {
  it.each(['open', 'close', 'fire', 'disable', 'enable', 'shutdown'])(
    'has no %s() (opossum names): calling it is a TypeError, not a silent transition',
    (name) => {
      const breaker = circuitBreaker() as unknown as Record<string, unknown>;
      expect(breaker[name]).toBeUndefined();
    },
  );
});
