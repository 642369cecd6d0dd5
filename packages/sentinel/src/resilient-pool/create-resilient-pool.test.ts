import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import type { Client } from '@sentinel/client';
import { isConfigError } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResilientPool } from './create-resilient-pool.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 3 });
});
afterEach(() => server.close());

const noWait = () => 0;

describe('createResilientPool', () => {
  it('gives every worker its own client, retries through the preset, and closes the clients with the pool', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 4 }]);
    const pool = await createResilientPool({ workers: 4, baseUrl: server.url, random: noWait });
    const clients = new Set<Client>();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        pool.run(async ({ client }, { workerIndex }) => {
          clients.add(client);
          const response = await client.get(i === 0 ? '/flaky' : `/item/${i}`);
          return { status: response.status, attempts: response.attempts, workerIndex };
        }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results[0]?.attempts).toBe(5); // production: 5 attempts
    expect(clients.size).toBe(4);
    await pool.close();
    for (const client of clients) expect(client.status().closed).toBe(true);
  });

  it('breakers are per worker: one worker tripping leaves the others closed', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    await using pool = await createResilientPool({ preset: 'hft', workers: 2, retry: false, baseUrl: server.url });
    const states = await pool.run(async ({ client }) => {
      for (let i = 0; i < 3; i++) await client.get('/down').catch(() => undefined);
      return Object.values(client.status().breakers).map((b) => (b as { state: string }).state);
    });
    expect(states).toEqual(['open']);
    const stats = pool.stats();
    const open = stats.workers.filter((w) => JSON.stringify(w.status).includes('"open"'));
    expect(open).toHaveLength(1);
  });

  it('a shared limit passed as a policy is used by every worker as it is', async () => {
    const bucket = tokenBucket({ capacity: 100, refillPerSecond: 0.001 });
    const shared = rateLimit({ limiter: bucket });
    await using pool = await createResilientPool({ workers: 3, baseUrl: server.url, rateLimit: shared });
    await Promise.all(Array.from({ length: 6 }, () => pool.run(({ client }) => client.get('/x'))));
    expect(Math.round(bucket.status().tokens)).toBeLessThanOrEqual(94);
  });

  it.each([
    [{ workers: 0 }, 'workers'],
    [{ workers: 1.5 }, 'workers'],
    [{ workers: 2, preset: 'fast' }, 'preset'],
    [{ workers: 2, retry: { attempts: 2 } }, 'retry.attempts'],
    [{ workers: 2, maxQueue: -1 }, 'maxQueue'],
  ])('rejects %j naming %s', async (options, option) => {
    const error = await createResilientPool(options as never).catch((e: unknown) => e);
    expect(isConfigError(error) && error.option).toBe(option);
  });

  it('rejects a missing options object', async () => {
    const error = await createResilientPool(undefined as never).catch((e: unknown) => e);
    expect(isConfigError(error) && error.owner).toBe('createResilientPool');
  });
});
