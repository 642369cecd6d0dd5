import { setImmediate as nextTurn } from 'node:timers/promises';
import { constant, retry } from '@sentinel/backoff';
import { breakerGroup, circuitBreaker, consecutive, isCircuitOpenError } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { constantRandom, ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { afterEach, describe, expect, it } from 'vitest';
import { caught } from '../test-support/caught.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { type Client, createClient } from './client.ts';

// The real sibling policies, passed in as values: the client imports none of them.

let server: ChaosServer;
let client: Client | undefined;
useChaosServers(1, ([started]) => {
  server = started;
});
// Closes the client before its server: vitest runs afterEach hooks in reverse order.
afterEach(async () => {
  await client?.close();
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}

describe('with @sentinel/backoff, @sentinel/breaker and @sentinel/ratelimit', () => {
  it('retry recovers a GET from 503s with the backoff on the manual clock', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    const clock = new ManualClock();
    client = createClient({
      baseUrl: server.url,
      retry: retry({ maxAttempts: 3, backoff: constant(200), clock, random: constantRandom(0.5) }),
    });
    const pending = client.get('/flaky');
    for (let i = 0; i < 2; i++) {
      await until(() => clock.pending > 0);
      await clock.advance(200);
    }
    expect((await pending).attempts).toBe(3);
  });

  it("retry honours the server's Retry-After through the HttpError", async () => {
    server.route('/busy', [{ type: 'rate-limit', retryAfter: '5', times: 1 }]);
    const clock = new ManualClock();
    client = createClient({ baseUrl: server.url, retry: retry({ maxAttempts: 2, backoff: constant(1), clock }) });
    const pending = client.get('/busy');
    await until(() => clock.pending > 0);
    expect(clock.nextDue).toBe(5_000);
    await clock.advance(5_000);
    expect((await pending).status).toBe(200);
  });

  it('retry never sends a POST without a key twice', async () => {
    server.route('/orders', { type: 'reset-before-headers' });
    client = createClient({
      baseUrl: server.url,
      retry: retry({ maxAttempts: 5, backoff: constant(0), clock: new ManualClock() }),
    });
    expect(await caught(client.post('/orders', { json: {} }))).toMatchObject({ code: 'SENTINEL_NETWORK' });
    expect(server.stats().byRoute['POST /orders']).toBe(1);
  });

  it('breakerGroup opens per origin on 503s, never on 404s', async () => {
    const other = await startChaosServer();
    try {
      server.route('/down', { type: 'status', status: 503 });
      server.route('/missing', { type: 'status', status: 404 });
      const clock = new ManualClock();
      const group = breakerGroup({
        create: () => circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter: 10_000, clock }),
        clock,
      });
      client = createClient({ allowAbsoluteUrls: true, breaker: group });
      for (let i = 0; i < 5; i++) await caught(client.get(`${server.url}/missing`));
      expect(group.get(server.url).state).toBe('closed');
      await caught(client.get(`${server.url}/down`));
      await caught(client.get(`${server.url}/down`));
      expect(isCircuitOpenError(await caught(client.get(`${server.url}/down`)))).toBe(true);
      expect((await client.get(`${other.url}/fine`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('a 429 with Retry-After pauses the token bucket behind rateLimit', async () => {
    server.route('/busy', [{ type: 'rate-limit', retryAfter: '3', times: 1 }]);
    const clock = new ManualClock();
    const bucket = tokenBucket({ capacity: 10, refillPerSecond: 10, clock });
    client = createClient({ baseUrl: server.url, rateLimit: rateLimit({ limiter: bucket }) });
    await caught(client.get('/busy'));
    expect(bucket.status().tokens).toBe(0);
    const next = client.get('/after');
    await until(() => clock.pending > 0);
    expect(server.stats().byPath['/after']).toBeUndefined();
    await clock.advance(3_100);
    expect((await next).status).toBe(200);
  });

  it('the full stack works together: retry → per-origin breaker → bucket', async () => {
    server.route('/flaky', [{ type: 'status', status: 500, times: 1 }]);
    const clock = new ManualClock();
    client = createClient({
      baseUrl: server.url,
      retry: retry({ maxAttempts: 3, backoff: constant(50), clock }),
      breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), clock, halfOpenAfter: 1_000 }),
      rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 100, refillPerSecond: 100, clock }) }),
    });
    const pending = client.get('/flaky');
    await until(() => clock.pending > 0);
    await clock.advance(50);
    expect((await pending).attempts).toBe(2);
    const status = client.status();
    expect(Object.keys(status.breakers)).toEqual([server.url]);
    expect(status.limiter).toMatchObject({ capacity: 100 });
  });
});
