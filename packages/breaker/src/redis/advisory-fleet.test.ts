import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { systemClock } from '@sentinel/core';
import { afterAll, expect, it } from 'vitest';
import { spawnChild } from '../../test/child-process.ts';
import { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../test/redis.ts';

const child = fileURLToPath(new URL('../../test/fixtures/advisory-child.ts', import.meta.url));
// Comparable across processes on one machine (what epochClock in @sentinel/ratelimit does).
const epoch = () => performance.timeOrigin + systemClock.now();

interface ChildResult {
  readonly sent: number;
  readonly rejected: number;
  readonly failed: number;
  readonly received: number;
  readonly published: number;
}

describeRedis('syncBreakers across 3 processes', () => {
  const prefix = uniquePrefix('advisory');
  const admin = connect();
  let server: ChaosServer | undefined;

  afterAll(async () => {
    await server?.close();
    await cleanup(admin, prefix);
    admin.disconnect();
  });

  it('one process meets an outage and opens; the other two stop sending to that origin within 100 ms of the publish, and all recover after the window', {
    timeout: 60_000,
  }, async () => {
    server = await startChaosServer();
    const channel = `${prefix}${randomUUID()}`;
    const openMs = 1_500;
    // One origin; each process uses its own path, so only the first one meets the outage.
    const paths = ['/a', '/b', '/c'] as const;
    const children = paths.map((path) =>
      spawnChild(child, {
        REDIS_URL,
        CHANNEL: channel,
        URL: `${server?.url}${path}`,
        OPEN_MS: String(openMs),
      }),
    );
    await Promise.all(children.map((c) => c.ready));
    // The test listens too: the moment the open is published.
    const listener = connect();
    let publishedAt: number | undefined;
    listener.on('message', () => {
      publishedAt ??= epoch();
    });
    await listener.subscribe(channel);
    const hits = () => {
      const byPath = (server as ChaosServer).stats().byPath;
      return paths.map((path) => byPath[path] ?? 0);
    };
    try {
      const startAt = epoch() + 200;
      for (const c of children) c.send(String(startAt));
      // Healthy first: every process is sending (bounded wait).
      for (let i = 0; i < 500 && !hits().every((n) => n > 10); i++) await systemClock.sleep(10);
      expect(hits().every((n) => n > 10)).toBe(true);

      // The outage, seen by the first process only: it opens after 3 failures and publishes.
      server.route('/a', { type: 'status', status: 503 });
      for (let i = 0; i < 1_000 && publishedAt === undefined; i++) await systemClock.sleep(2);
      expect(publishedAt).toBeDefined();
      const at = publishedAt as number;
      // The outage is over at once; everyone still waits out the window, then probes.
      server.route('/a', []);
      await systemClock.sleep(at + 100 - epoch());
      const after100 = hits();
      await systemClock.sleep(at + openMs - 300 - epoch());
      const beforeWindowEnds = hits();
      // Nothing reached the origin from 100 ms after the publish until the window was nearly over.
      expect(beforeWindowEnds).toEqual(after100);

      // All recover after the window: each sends again (a probe closed its breaker). Bounded wait.
      const recovered = () => hits().every((n, i) => n > (beforeWindowEnds[i] as number) + 10);
      for (let i = 0; i < 500 && !recovered(); i++) await systemClock.sleep(10);
      expect(recovered()).toBe(true);
      const results = await Promise.all(children.map((c) => c.finish<ChildResult>('stop')));
      const [a, b, c] = results as [ChildResult, ChildResult, ChildResult];
      expect(a.published).toBe(1);
      expect([b.received, c.received]).toEqual([1, 1]);
      expect(b.published + c.published).toBe(0);
      expect(b.rejected).toBeGreaterThan(0);
      expect(c.rejected).toBeGreaterThan(0);
      // Only the first process saw failures (its 3 failed calls).
      expect([a.failed, b.failed, c.failed]).toEqual([3, 0, 0]);
    } finally {
      listener.disconnect();
    }
  });
});
