import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { recordingLimiter, simpleBreaker, simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { sentinelInterceptor } from './interceptor.ts';

let server: ChaosServer;
let agent: Agent;
useChaosServers(1, ([started]) => {
  server = started;
  agent = new Agent();
});
// Closes the agent before its server: vitest runs afterEach hooks in reverse order.
afterEach(async () => {
  await agent.close();
});

describe('sentinelInterceptor', () => {
  it('retries retryable statuses for undici.request and hands over only the final response', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    const retry = simpleRetry({ maxAttempts: 3, clock: new ManualClock() });
    const dispatcher = agent.compose(sentinelInterceptor({ retry }));
    const response = await request(`${server.url}/flaky`, { dispatcher });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(await response.body.text())).toMatchObject({ method: 'GET', url: '/flaky' });
    expect(retry.attempts).toEqual([1, 2, 3]);
  });

  it('works with fetch', async () => {
    server.route('/flaky', [{ type: 'status', status: 502, times: 1 }]);
    const dispatcher = agent.compose(
      sentinelInterceptor({ retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }) }),
    );
    const response = await fetch(`${server.url}/flaky`, { dispatcher } as unknown as RequestInit);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('surfaces an HttpError when retries are exhausted', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const dispatcher = agent.compose(
      sentinelInterceptor({ retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }) }),
    );
    await expect(request(`${server.url}/down`, { dispatcher })).rejects.toMatchObject({
      code: 'SENTINEL_HTTP_ERROR',
      status: 503,
    });
    expect(server.stats().requests).toBe(2);
  });

  it('never retries a POST without a key and passes its response through', async () => {
    server.route('/orders', { type: 'status', status: 503 });
    const retry = simpleRetry({ maxAttempts: 3, clock: new ManualClock() });
    const dispatcher = agent.compose(sentinelInterceptor({ retry }));
    const response = await request(`${server.url}/orders`, { dispatcher, method: 'POST', body: 'x' });
    expect(response.statusCode).toBe(503);
    await response.body.dump();
    expect(server.stats().byRoute['POST /orders']).toBe(1);
  });

  it('never sends a POST twice after a reset, and retries one with an idempotency key', async () => {
    server.route('/orders', [{ type: 'reset-before-headers', times: 1 }]);
    const dispatcher = agent.compose(
      sentinelInterceptor({ retry: simpleRetry({ maxAttempts: 3, clock: new ManualClock() }) }),
    );
    await expect(request(`${server.url}/orders`, { dispatcher, method: 'POST', body: 'x' })).rejects.toBeDefined();
    expect(server.stats().byRoute['POST /orders']).toBe(1);
    server.route('/orders', [{ type: 'reset-before-headers', times: 1 }]);
    const response = await request(`${server.url}/orders`, {
      dispatcher,
      method: 'POST',
      body: 'x',
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(server.stats().byIdempotencyKey).toEqual({ 'k-1': 2 });
    // The same with headers as undici's flat array.
    server.route('/orders', [{ type: 'reset-before-headers', times: 1 }]);
    const flat = await request(`${server.url}/orders`, {
      dispatcher,
      method: 'POST',
      body: 'x',
      headers: ['idempotency-key', 'k-2'],
    });
    expect(flat.statusCode).toBe(200);
    await flat.body.dump();
    expect(server.stats().byIdempotencyKey['k-2']).toBe(2);
  });

  it('feeds breakers per origin and limiter hints', async () => {
    server.route('/busy', { type: 'rate-limit', retryAfter: '4' });
    const breaker = simpleBreaker(1);
    const limiter = recordingLimiter();
    const dispatcher = agent.compose(sentinelInterceptor({ breaker: () => breaker, rateLimit: limiter }));
    await expect(request(`${server.url}/busy`, { dispatcher })).rejects.toMatchObject({ status: 429 });
    expect(breaker.open).toBe(true);
    expect(limiter.penalties).toEqual([4_000]);
    await expect(request(`${server.url}/busy`, { dispatcher })).rejects.toThrow('breaker open');
  });

  it('an abort during the backoff rejects at once', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const clock = new ManualClock();
    const dispatcher = agent.compose(
      sentinelInterceptor({ retry: simpleRetry({ maxAttempts: 5, delayMs: 60_000, clock }) }),
    );
    const controller = new AbortController();
    const pending = request(`${server.url}/down`, { dispatcher, signal: controller.signal }).catch((e: unknown) => e);
    for (let i = 0; i < 500 && clock.pending === 0; i++) await nextTurn();
    expect(clock.pending).toBe(1);
    const reason = new Error('enough');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(clock.pending).toBe(0);
    expect(server.stats().requests).toBe(1);
  });

  it('rejects unknown options', () => {
    expect(() => sentinelInterceptor({ retries: 3 } as never)).toThrow(expect.objectContaining({ option: 'retries' }));
  });
});
