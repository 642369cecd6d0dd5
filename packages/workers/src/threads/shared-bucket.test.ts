import { epochClock, sharedTokenBucket } from '@sentinel/ratelimit';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from './create-thread-pool.ts';
import type * as Bucket from './fixtures/bucket.ts';

describe('a sharedTokenBucket handed to the threads through data', () => {
  it('holds the total rate across 2 threads within 5 % of the configured one', { timeout: 120_000 }, async () => {
    const refillPerSecond = 500;
    // Capacity 50: 100 ms of tokens, so a thread descheduled for a moment on a busy machine
    // catches up instead of losing tokens; the window starts with the bucket emptied.
    const bucket = sharedTokenBucket({ capacity: 50, refillPerSecond });
    const pool = await createThreadPool<typeof Bucket>({
      module: new URL('./fixtures/bucket.ts', import.meta.url),
      threads: 2,
      data: { bucket: bucket.buffer },
    });
    try {
      const windowMs = 2_000;
      const start = epochClock.now();
      bucket.pauseUntil(start);
      const until = start + windowMs;
      const perThread = await Promise.all([
        pool.run('drain', { until, loops: 4 }),
        pool.run('drain', { until, loops: 4 }),
      ]);
      const total = perThread[0] + perThread[1];
      const expected = (refillPerSecond * windowMs) / 1000;
      expect(Math.abs(total / expected - 1)).toBeLessThanOrEqual(0.05);
      // Both threads drew from the one bucket (two separate buckets would give about twice as much).
      for (const granted of perThread) expect(granted).toBeGreaterThan(expected / 10);
      expect(pool.stats().workers.map((w) => w.tasks)).toEqual([1, 1]);
    } finally {
      await pool.close();
    }
  });
});
