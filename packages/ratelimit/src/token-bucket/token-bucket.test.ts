import { isConfigError, isNonRetryable, isRejectedError, RejectedError, retryAfterOf } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { isRateLimitedError, RateLimitedError } from '../errors.ts';
import { tokenBucket } from './token-bucket.ts';

function setup(
  options: { capacity?: number; refillPerSecond?: number; initialTokens?: number; maxQueue?: number } = {},
) {
  const clock = new ManualClock();
  const bucket = tokenBucket({ capacity: 10, refillPerSecond: 10, clock, ...options });
  return { clock, bucket };
}

/** Records the order in which promises settle. */
function track(order: string[], name: string, promise: Promise<void>): Promise<void> {
  return promise.then(
    () => void order.push(name),
    (error: unknown) => void order.push(`${name}:${(error as Error).name}`),
  );
}

describe('tokenBucket: tryAcquire and refill arithmetic', () => {
  it('starts full and grants up to capacity, then refuses', () => {
    const { bucket } = setup();
    for (let i = 0; i < 10; i++) expect(bucket.tryAcquire()).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
  });

  it('refills continuously at refillPerSecond, fractions included', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    await clock.advance(50);
    expect(bucket.tryAcquire()).toBe(false);
    expect(bucket.status().tokens).toBeCloseTo(0.5);
    await clock.advance(50);
    expect(bucket.tryAcquire()).toBe(true);
    await clock.advance(350);
    expect(bucket.tryAcquire(3)).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
  });

  it('never holds more than capacity however long it idles', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    await clock.advance(3_600_000);
    expect(bucket.status().tokens).toBe(10);
    expect(bucket.tryAcquire(10)).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
  });

  it('honours initialTokens', () => {
    const { bucket } = setup({ initialTokens: 2 });
    expect(bucket.tryAcquire(2)).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
  });

  it('does not read the clock while tokens are plentiful', () => {
    let reads = 0;
    const clock = new ManualClock();
    const counting = {
      now: () => {
        reads++;
        return clock.now();
      },
      sleep: clock.sleep.bind(clock),
    };
    const bucket = tokenBucket({ capacity: 100, refillPerSecond: 1, clock: counting });
    reads = 0;
    for (let i = 0; i < 100; i++) bucket.tryAcquire();
    expect(reads).toBe(0);
    expect(bucket.tryAcquire()).toBe(false);
    expect(reads).toBe(1);
  });

  it('refuses n that is not an integer in [1, capacity] with a non-retryable ConfigError', () => {
    const { bucket } = setup();
    for (const n of [0, -1, 1.5, 11, Number.NaN, Number.POSITIVE_INFINITY, '1' as unknown as number]) {
      let caught: unknown;
      try {
        bucket.tryAcquire(n);
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught), String(n)).toBe(true);
      expect(isNonRetryable(caught)).toBe(true);
    }
    expect(bucket.status().tokens).toBe(10);
  });
});

describe('tokenBucket: acquire', () => {
  it('resolves at once when tokens are available', async () => {
    const { bucket } = setup();
    await bucket.acquire(4);
    expect(bucket.status().tokens).toBe(6);
  });

  it('waits for refill and serves waiters in FIFO order, a big request not starved by small ones', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const order: string[] = [];
    const all = [
      track(order, 'a(5)', bucket.acquire(5)),
      track(order, 'b(1)', bucket.acquire(1)),
      track(order, 'c(2)', bucket.acquire(2)),
    ];
    expect(bucket.status().waiting).toBe(3);
    await clock.advance(499);
    expect(order).toEqual([]);
    await clock.advance(1);
    expect(order).toEqual(['a(5)']);
    await clock.advance(100);
    expect(order).toEqual(['a(5)', 'b(1)']);
    await clock.advance(200);
    expect(order).toEqual(['a(5)', 'b(1)', 'c(2)']);
    await Promise.all(all);
    expect(clock.pending).toBe(0);
  });

  it('keeps exactly one timer for the head of the queue', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const waits = Array.from({ length: 50 }, () => bucket.acquire(1));
    await flushMicrotasks();
    expect(clock.pending).toBe(1);
    await clock.advance(5_000);
    await Promise.all(waits);
    expect(clock.pending).toBe(0);
  });

  it('tryAcquire does not take tokens while someone waits (FIFO fairness)', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const waiting = bucket.acquire(3);
    await clock.advance(200);
    expect(bucket.tryAcquire(1)).toBe(false);
    await clock.advance(100);
    await waiting;
    expect(bucket.status().waiting).toBe(0);
  });

  it('an aborted waiter leaves the queue at once with the signal reason, and the next one moves up', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const controller = new AbortController();
    const order: string[] = [];
    const first = track(order, 'first', bucket.acquire(5, { signal: controller.signal }));
    const second = track(order, 'second', bucket.acquire(1));
    await clock.advance(100);
    const reason = new Error('caller gave up');
    const firstRaw = bucket.acquire(1, { signal: controller.signal });
    controller.abort(reason);
    await expect(firstRaw).rejects.toBe(reason);
    await flushMicrotasks();
    // `second` needed one token, which had accrued: it is served as soon as the head left.
    expect(order).toEqual(['first:Error', 'second']);
    await Promise.all([first, second]);
    expect(bucket.status().waiting).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const { bucket } = setup();
    const reason = new Error('no');
    await expect(bucket.acquire(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(bucket.status().tokens).toBe(10);
  });

  it('maxQueue: rejects with RateLimitedError (queue-full) carrying retryAfterMs', async () => {
    const { clock, bucket } = setup({ initialTokens: 0, maxQueue: 1 });
    const first = bucket.acquire(1);
    const error = await bucket.acquire(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(isRateLimitedError(error)).toBe(true);
    expect(isRejectedError(error)).toBe(true);
    expect(error).toBeInstanceOf(RejectedError);
    expect((error as Error).name).toBe('RateLimitedError');
    expect((error as RateLimitedError).reason).toBe('queue-full');
    expect((error as RateLimitedError).code).toBe('SENTINEL_RATE_LIMITED');
    expect(retryAfterOf(error)).toBe(200);
    await clock.advance(100);
    await first;
  });

  it('maxQueue 0 never queues', async () => {
    const { bucket } = setup({ initialTokens: 0, maxQueue: 0 });
    await expect(bucket.acquire(1)).rejects.toMatchObject({ reason: 'queue-full' });
  });

  it('maxWaitMs: rejects at once when the wait behind the queue would be longer', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const first = bucket.acquire(5);
    const error = (await bucket.acquire(5, { maxWaitMs: 999 }).catch((e: unknown) => e)) as RateLimitedError;
    expect(error.reason).toBe('max-wait');
    expect(error.retryAfterMs).toBe(1000);
    const ok = bucket.acquire(5, { maxWaitMs: 1000 });
    await clock.advance(1000);
    await Promise.all([first, ok]);
  });

  it('refuses n above capacity at once instead of waiting forever', async () => {
    const { bucket } = setup();
    await expect(bucket.acquire(11)).rejects.toSatisfy(isConfigError);
    await expect(bucket.acquire(1, { maxWaitMs: -1 })).rejects.toSatisfy(isConfigError);
  });
});

describe('tokenBucket: estimateWaitMs, pauseUntil, penalize, status', () => {
  it('estimates the wait behind the queue', async () => {
    const { bucket } = setup({ initialTokens: 0 });
    expect(bucket.estimateWaitMs(2)).toBe(200);
    void bucket.acquire(5);
    expect(bucket.estimateWaitMs(1)).toBe(600);
    expect(setup().bucket.estimateWaitMs(10)).toBe(0);
  });

  it('penalize empties the bucket and grants nothing until the pause ends, then refills at the rate', async () => {
    const { clock, bucket } = setup();
    bucket.penalize(1_000);
    expect(bucket.tryAcquire()).toBe(false);
    expect(bucket.status()).toEqual({ tokens: 0, capacity: 10, refillPerSecond: 10, waiting: 0, pausedUntil: 1000 });
    expect(bucket.estimateWaitMs(1)).toBe(1100);
    await clock.advance(1_000);
    expect(bucket.tryAcquire()).toBe(false);
    await clock.advance(100);
    expect(bucket.tryAcquire()).toBe(true);
    expect(bucket.status().pausedUntil).toBeNull();
  });

  it('a pause never shortens an earlier, longer one', async () => {
    const { clock, bucket } = setup();
    bucket.pauseUntil(5_000);
    bucket.pauseUntil(2_000);
    bucket.penalize(10);
    expect(bucket.status().pausedUntil).toBe(5_000);
    await clock.advance(4_000);
    expect(bucket.tryAcquire()).toBe(false);
  });

  it('a pause delays the queued waiters and rejects those that can no longer meet maxWaitMs', async () => {
    const { clock, bucket } = setup({ initialTokens: 0 });
    const order: string[] = [];
    const patient = track(order, 'patient', bucket.acquire(1));
    const hasty = track(order, 'hasty', bucket.acquire(1, { maxWaitMs: 500 }));
    bucket.penalize(2_000);
    await flushMicrotasks();
    expect(order).toEqual(['hasty:RateLimitedError']);
    await clock.advance(2_099);
    expect(order).toEqual(['hasty:RateLimitedError']);
    await clock.advance(1);
    expect(order).toEqual(['hasty:RateLimitedError', 'patient']);
    await Promise.all([patient, hasty]);
    expect(clock.pending).toBe(0);
  });

  it('status is a plain JSON-serialisable snapshot', () => {
    const { bucket } = setup();
    bucket.tryAcquire(3);
    const status = bucket.status();
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    expect(status).toEqual({ tokens: 7, capacity: 10, refillPerSecond: 10, waiting: 0, pausedUntil: null });
  });

  it('rejects bad pauseUntil and penalize arguments', () => {
    const { bucket } = setup();
    expect(() => bucket.pauseUntil(Number.NaN)).toThrow(/"time" must be a finite number; received NaN/);
    expect(() => bucket.penalize(-1)).toThrow(/"ms" must be a finite number >= 0; received -1/);
    expect(() => bucket.pauseUntil('5' as never)).toThrow(/received "5"/);
  });

  it('regression (issue 15): pauseUntil(Infinity) is refused: status() would report pausedUntil null (not paused)', () => {
    const { bucket } = setup();
    expect(() => bucket.pauseUntil(Number.POSITIVE_INFINITY)).toThrow(/"time" must be a finite number/);
    expect(() => bucket.penalize(Number.POSITIVE_INFINITY)).toThrow(/"ms" must be a finite number >= 0/);
    expect(bucket.status().pausedUntil).toBeNull();
    expect(bucket.tryAcquire()).toBe(true);
  });

  it('regression (issue 15): n with a throwing valueOf gets a ConfigError, not its own error', () => {
    const { bucket } = setup();
    const n = {
      valueOf(): number {
        throw new Error('valueOf called');
      },
    };
    expect(() => bucket.tryAcquire(n as never)).toThrow(/"n" must be an integer between 1 and 10/);
  });
});

describe('tokenBucket: bad options', () => {
  const clock = new ManualClock();
  it.each([
    [{ capacity: 0, refillPerSecond: 1 }, /"capacity" must be an integer >= 1; received 0/],
    [{ capacity: 1.5, refillPerSecond: 1 }, /"capacity" must be an integer >= 1; received 1.5/],
    [{ capacity: Number.POSITIVE_INFINITY, refillPerSecond: 1 }, /"capacity"/],
    [{ capacity: 1, refillPerSecond: 0 }, /"refillPerSecond" must be a finite number > 0; received 0/],
    [{ capacity: 1, refillPerSecond: -1 }, /"refillPerSecond"/],
    [{ capacity: 1, refillPerSecond: Number.NaN }, /"refillPerSecond".*NaN/],
    [{ capacity: 1, refillPerSecond: Number.POSITIVE_INFINITY }, /"refillPerSecond"/],
    [{ capacity: 5, refillPerSecond: 1, initialTokens: 6 }, /"initialTokens" must be a finite number between 0 and 5/],
    [{ capacity: 5, refillPerSecond: 1, maxQueue: -1 }, /"maxQueue" must be an integer >= 0/],
    [{ capacity: 5, refillPerSecond: 1, clock: {} as ManualClock }, /"clock" must be a Clock/],
    [{ capacity: 5, refillPerSecond: 1, burst: 3 } as never, /"burst" must be one of the known options/],
  ])('%j throws a ConfigError', (options, message) => {
    expect(() => tokenBucket({ clock, ...options })).toThrow(message);
  });
});

describe('tokenBucket: lazy refill and its documented burst bound', () => {
  async function drainAfterIdle(lazyRefill: boolean): Promise<number> {
    const clock = new ManualClock();
    const bucket = tokenBucket({ capacity: 10, refillPerSecond: 10, clock, lazyRefill });
    // Full at t=0 and looked at by the slow path; then idle, then drained at t=10 s.
    bucket.status();
    await clock.advance(10_000);
    let granted = 0;
    while (bucket.tryAcquire() && granted < 100) granted++;
    return granted;
  }

  it('lazy (default): an idle full bucket drained at once may grant up to one extra capacity, never more', async () => {
    const granted = await drainAfterIdle(true);
    expect(granted).toBeGreaterThan(10);
    expect(granted).toBeLessThanOrEqual(20);
  });

  it('lazyRefill: false refills on every call and never bursts above capacity', async () => {
    expect(await drainAfterIdle(false)).toBe(10);
  });

  it('lazyRefill: false still refills at the rate', async () => {
    const clock = new ManualClock();
    const bucket = tokenBucket({ capacity: 2, refillPerSecond: 10, clock, lazyRefill: false, initialTokens: 0 });
    expect(bucket.tryAcquire()).toBe(false);
    await clock.advance(100);
    expect(bucket.tryAcquire()).toBe(true);
    await bucket.acquire(1, { maxWaitMs: 0 }).catch(() => {});
    const waiting = bucket.acquire(1);
    await clock.advance(100);
    await waiting;
  });
});
