import { EventRecorder, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { constant } from '../schedules/shapes.ts';
import type { GiveUpEvent } from './events.ts';
import { retry } from './retry.ts';

describe('retry: maxElapsedMs', () => {
  it('starts no wait that would end past the deadline', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 10, backoff: constant(400), maxElapsedMs: 1_000, clock });
    const events = new EventRecorder();
    policy.onGiveUp(events.listener('giveUp'));
    const starts: number[] = [];
    const error = new Error('down');
    const result = policy.execute(async () => {
      starts.push(clock.now());
      throw error;
    });
    const settled = result.catch((e: unknown) => e);
    await clock.runAll();
    expect(await settled).toBe(error);
    expect(starts).toEqual([0, 400, 800]);
    expect(clock.now()).toBe(800);
    expect(events.payloads<GiveUpEvent>('giveUp')).toEqual([
      { attempts: 3, reason: 'deadline', outcome: { ok: false, error } },
    ]);
  });

  it('counts the last attempt duration as the expected length of the next one', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 10, backoff: constant(100), maxElapsedMs: 1_000, clock });
    const spans: [number, number][] = [];
    const result = policy.execute(async () => {
      const start = clock.now();
      await clock.sleep(300);
      spans.push([start, clock.now()]);
      throw new Error('slow failure');
    });
    const settled = result.catch(() => 'failed');
    await clock.runAll();
    expect(await settled).toBe('failed');
    // A third attempt would start at 800 and end at 1100: it is not started.
    expect(spans).toEqual([
      [0, 300],
      [400, 700],
    ]);
    expect(clock.now()).toBe(700);
  });

  it('allows unlimited attempts within the deadline', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: Number.POSITIVE_INFINITY, backoff: constant(10), maxElapsedMs: 95, clock });
    let attempts = 0;
    const result = policy.execute(async () => {
      attempts++;
      throw new Error('x');
    });
    const settled = result.catch(() => 'failed');
    await clock.runAll();
    await settled;
    expect(attempts).toBe(10);
    expect(clock.now()).toBe(90);
  });

  it('applies the deadline to waits raised by a retry-after hint', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 3, backoff: constant(10), maxElapsedMs: 5_000, clock });
    const events = new EventRecorder();
    policy.onGiveUp(events.listener('giveUp'));
    const result = policy.execute(async () => {
      throw Object.assign(new Error('busy'), { retryAfterMs: 6_000 });
    });
    await expect(result).rejects.toThrow('busy');
    expect(events.payloads<GiveUpEvent>('giveUp')[0]?.reason).toBe('deadline');
  });
});
