import { readFileSync } from 'node:fs';
import { systemClock } from '@sentinel/core';
import { afterAll, expect, it } from 'vitest';
import { cleanup, connect, describeRedis, uniquePrefix } from '../test/redis.ts';
import { fleetBreakers } from './fleet.ts';

describeRedis('README example fleet.ts', () => {
  const redis = connect();
  const prefix = uniquePrefix('breaker-example');
  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it('an origin that opens in one process is open in the other', async () => {
    const channel = `${prefix}breakers`;
    const one = await fleetBreakers(redis, channel);
    const two = await fleetBreakers(redis, channel);
    try {
      const origin = 'https://flaky.example';
      for (let i = 0; i < 5; i++)
        await one.breakers
          .get(origin)
          .execute(() => Promise.reject(new Error('503')))
          .catch(() => {});
      for (let i = 0; i < 400 && two.sync.status().received === 0; i++) await systemClock.sleep(5);
      expect(two.breakers.get(origin).status()).toMatchObject({ state: 'open' });
      expect(two.breakers.get(origin).status().retryAfterMs).toBeGreaterThan(29_000);
    } finally {
      one.sync.dispose();
      two.sync.dispose();
    }
  });

  it('the README shows fleet.ts exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./fleet.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/fleet.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });
});
