import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startChaosServer } from '@sentinel/chaos';
import { systemClock } from '@sentinel/core';
import { Queue } from 'bullmq';
import { expect, it } from 'vitest';
import { bullConnection, describeRedis, REDIS_URL } from '../test/redis.ts';
import { addOrders } from './fleet-producer.ts';
import { startFleetProcess } from './fleet-worker.ts';

describeRedis('docs/fleet.md examples', () => {
  it('a fleet process confirms every order once per key, through transient failures', { timeout: 30_000 }, async () => {
    await using server = await startChaosServer({ seed: 3 });
    server.setFaults([{ type: 'status', status: 503, rate: 0.2 }]);
    const queue = `sentinel-test-${randomUUID()}`;
    const worker = await startFleetProcess(REDIS_URL, server.url, queue, 1);
    const inspect = new Queue(queue, { connection: bullConnection() });
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `o-${i}`);
      await addOrders(REDIS_URL, ids, queue);
      for (let i = 0; i < 2_000 && (await inspect.getJobCounts('completed')).completed !== 30; i++) {
        await systemClock.sleep(10);
      }
      expect(await inspect.getJobCounts('completed', 'failed')).toEqual({ completed: 30, failed: 0 });
      // Retried writes carried the same key every time.
      expect(Object.keys(server.stats().byIdempotencyKey)).toHaveLength(30);
    } finally {
      await worker.close();
      await inspect.obliterate({ force: true });
      await inspect.close();
    }
  });

  it('docs/fleet.md shows each example exactly as it is in examples/', () => {
    const doc = readFileSync(new URL('../docs/fleet.md', import.meta.url), 'utf8');
    for (const file of ['fleet-worker.ts', 'fleet-producer.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(doc, file).toContain(`<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``);
    }
  });
});
