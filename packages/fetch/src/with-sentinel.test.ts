import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive, isCircuitOpenError } from '@sentinel/breaker';
import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { isConfigError, isTimeoutError, type Policy } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { Request as UndiciRequest, fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withSentinel } from './with-sentinel.ts';

let server: ChaosServer;
let clock: ManualClock;

beforeEach(async () => {
  server = await startChaosServer({ seed: 7 });
  clock = new ManualClock();
});

afterEach(async () => {
  await server.close();
});

/** Lets real socket I/O run until `n` sleepers wait on the manual clock. */
async function untilSleeping(n = 1): Promise<void> {
  await vi.waitFor(() => expect(clock.pending).toBeGreaterThanOrEqual(n), { timeout: 5_000, interval: 1 });
}

const retryTwice = () => retry({ maxAttempts: 3, backoff: constant(100), clock });
// Each fetch with its own Request class: undici's fetch only knows undici's Request.
const fetches = [
  ['the global fetch', globalThis.fetch, globalThis.Request],
  ["undici's fetch", undiciFetch as unknown as typeof fetch, UndiciRequest as unknown as typeof Request],
] as const;

describe.each(fetches)('withSentinel around %s', (_, fetchImpl, RequestClass) => {
  it('returns the response untouched when nothing fails', async () => {
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice(), timeout: 5_000 });
    const response = await sentinelFetch(`${server.url}/hello?x=1`, { headers: { 'x-test': 'yes' } });
    expect(response.status).toBe(200);
    const echo = (await response.json()) as EchoBody;
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/hello?x=1');
    expect(echo.headers).toContainEqual(['x-test', 'yes']);
  });

  it('retries a 503 after the backoff and returns the success; the discarded body is released', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2, body: 'busy' }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    const call = sentinelFetch(`${server.url}/flaky`);
    await untilSleeping();
    expect(server.stats().requests).toBe(1);
    await clock.advance(100);
    await untilSleeping();
    await clock.advance(100);
    const response = await call;
    expect(response.status).toBe(200);
    expect(server.stats().requests).toBe(3);
    // Cancelled bodies free the keep-alive connection for the next attempt: one socket in all.
    expect(server.stats().connections).toBe(1);
  });

  it('returns the last 503 response, body readable, when retries run out', async () => {
    server.route('/down', [{ type: 'status', status: 503, body: 'still down' }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retry({ maxAttempts: 2, backoff: constant(10), clock }) });
    const call = sentinelFetch(`${server.url}/down`);
    await untilSleeping();
    await clock.advance(10);
    const response = await call;
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('still down');
    expect(server.stats().requests).toBe(2);
  });

  it('honours Retry-After from a 429 over the backoff', async () => {
    server.route('/limited', [{ type: 'rate-limit', retryAfter: '2', times: 1 }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    const call = sentinelFetch(`${server.url}/limited`);
    await untilSleeping();
    await clock.advance(1_999);
    expect(server.stats().requests).toBe(1);
    await clock.advance(1);
    expect((await call).status).toBe(200);
    expect(server.stats().requests).toBe(2);
  });

  it('never sends a POST without an idempotency key twice, and retries one with a key under the same key', async () => {
    server.route('/orders', [{ type: 'status', status: 503, times: 1 }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    const unkeyed = await sentinelFetch(`${server.url}/orders`, { method: 'POST', body: '{"qty":1}' });
    expect(unkeyed.status).toBe(503);
    expect(server.stats().byMethod.POST).toBe(1);

    server.route('/orders', [{ type: 'status', status: 503, times: 1 }]);
    server.resetStats();
    const keyed = sentinelFetch(`${server.url}/orders`, {
      method: 'POST',
      body: '{"qty":1}',
      headers: { 'Idempotency-Key': 'order-42' },
    });
    await untilSleeping();
    await clock.advance(100);
    expect((await keyed).status).toBe(200);
    expect(server.stats().byIdempotencyKey).toEqual({ 'order-42': 2 });
  });

  it('does not resend a POST whose connection was reset after it was written', async () => {
    server.route('/pay', [{ type: 'reset-before-headers' }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    await expect(sentinelFetch(`${server.url}/pay`, { method: 'POST', body: 'amount=5' })).rejects.toThrow();
    expect(server.stats().byMethod.POST).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('retries a POST whose connection was refused: nothing reached a server', async () => {
    const closed = await startChaosServer();
    const url = `${closed.url}/orders`;
    await closed.close();
    const attempts: number[] = [];
    const policy = retry({ maxAttempts: 3, backoff: constant(1), clock });
    policy.onRetry((event) => attempts.push(event.attempt));
    const call = withSentinel(fetchImpl, { retry: policy })(url, { method: 'POST', body: 'x' }).catch(
      (e: unknown) => e,
    );
    await untilSleeping();
    await clock.advance(1);
    await untilSleeping();
    await clock.advance(1);
    expect(await call).toBeInstanceOf(Error);
    expect(attempts).toEqual([1, 2]);
  });

  it('sends a stream body once and never retries it', async () => {
    server.route('/upload', [{ type: 'status', status: 503 }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice(), retryNonIdempotent: true });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('chunk'));
        controller.close();
      },
    });
    const response = await sentinelFetch(`${server.url}/upload`, {
      method: 'PUT',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(503);
    expect(server.stats().requests).toBe(1);
  });

  it('replays a Request object’s body on each attempt', async () => {
    server.route('/echo-put', [{ type: 'status', status: 502, times: 1 }, { type: 'echo' }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    const call = sentinelFetch(new RequestClass(`${server.url}/echo-put`, { method: 'PUT', body: 'same body' }));
    await untilSleeping();
    await clock.advance(100);
    const response = await call;
    expect(((await response.json()) as { body: string }).body).toBe('same body');
    expect(server.stats().requests).toBe(2);
  });

  it('a breaker trips on 503s and then fails fast without touching the server', async () => {
    server.route('/unstable', [{ type: 'status', status: 503 }]);
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 3 }), halfOpenAfter: 10_000, clock });
    const sentinelFetch = withSentinel(fetchImpl, { breaker });
    for (let i = 0; i < 3; i++) expect((await sentinelFetch(`${server.url}/unstable`)).status).toBe(503);
    const rejected = await sentinelFetch(`${server.url}/unstable`).catch((e: unknown) => e);
    expect(isCircuitOpenError(rejected)).toBe(true);
    expect(server.stats().requests).toBe(3);
  });

  it('4xx responses other than 408 and 429 never trip a breaker nor get retried', async () => {
    server.route('/missing', [{ type: 'status', status: 404 }]);
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice(), breaker });
    expect((await sentinelFetch(`${server.url}/missing`)).status).toBe(404);
    expect((await sentinelFetch(`${server.url}/missing`)).status).toBe(404);
    expect(server.stats().requests).toBe(2);
    expect(breaker.status().state).toBe('closed');
  });

  it('a rate limiter spaces requests', async () => {
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    const sentinelFetch = withSentinel(fetchImpl, { rateLimit: rateLimit({ limiter }) });
    const calls = [
      sentinelFetch(`${server.url}/a`),
      sentinelFetch(`${server.url}/b`),
      sentinelFetch(`${server.url}/c`),
    ];
    await vi.waitFor(() => expect(server.stats().requests).toBe(1), { timeout: 5_000, interval: 1 });
    await untilSleeping();
    await clock.advance(1_000);
    await vi.waitFor(() => expect(server.stats().requests).toBe(2), { timeout: 5_000, interval: 1 });
    await untilSleeping();
    await clock.advance(1_000);
    const responses = await Promise.all(calls);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(server.stats().requests).toBe(3);
  });

  it('a 429 with Retry-After pauses the limiter for every caller', async () => {
    server.route('/quota', [{ type: 'rate-limit', retryAfter: '30', times: 1 }]);
    const limiter = tokenBucket({ capacity: 10, refillPerSecond: 10, clock });
    const sentinelFetch = withSentinel(fetchImpl, { rateLimit: rateLimit({ limiter, mode: 'reject' }) });
    expect((await sentinelFetch(`${server.url}/quota`)).status).toBe(429);
    expect(limiter.status().pausedUntil).toBe(30_000);
  });

  it('an abort during the backoff rejects at once with the reason and sends nothing more', async () => {
    server.route('/slow-to-recover', [{ type: 'status', status: 503 }]);
    const controller = new AbortController();
    const sentinelFetch = withSentinel(fetchImpl, {
      retry: retry({ maxAttempts: 5, backoff: constant(60_000), clock }),
    });
    const call = sentinelFetch(`${server.url}/slow-to-recover`, { signal: controller.signal });
    await untilSleeping();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(server.stats().requests).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('a per-attempt timeout aborts a hung request', async () => {
    server.route('/hang', [{ type: 'hang' }]);
    const sentinelFetch = withSentinel(fetchImpl, { timeout: 1_000, clock });
    const call = sentinelFetch(`${server.url}/hang`).catch((e: unknown) => e);
    await untilSleeping();
    await clock.advance(1_000);
    expect(isTimeoutError(await call)).toBe(true);
  });

  it('sentinel: false sends one request past every policy', async () => {
    const isolated: Policy = { execute: () => Promise.reject(new Error('policy ran')) };
    const sentinelFetch = withSentinel(fetchImpl, { breaker: isolated });
    await expect(sentinelFetch(`${server.url}/x`)).rejects.toThrow('policy ran');
    const response = await sentinelFetch(`${server.url}/x`, { sentinel: false });
    expect(response.status).toBe(200);
    expect(server.stats().requests).toBe(1);
  });

  it('sentinel: { idempotent: true } lets a POST without a key be retried', async () => {
    server.route('/safe-post', [{ type: 'status', status: 500, times: 1 }]);
    const sentinelFetch = withSentinel(fetchImpl, { retry: retryTwice() });
    const call = sentinelFetch(`${server.url}/safe-post`, {
      method: 'POST',
      body: 'x',
      sentinel: { idempotent: true },
    });
    await untilSleeping();
    await clock.advance(100);
    expect((await call).status).toBe(200);
    expect(server.stats().byMethod.POST).toBe(2);
  });
});

describe('withSentinel options', () => {
  it('refuses bad options at construction, naming them', () => {
    expect(() => withSentinel(globalThis.fetch, { retry: {} as Policy })).toThrow('pipeline: "retry" must be a policy');
    expect(() => withSentinel(globalThis.fetch, { timeout: 0 })).toThrow(/timeout: "ms"/);
    expect(() => withSentinel(globalThis.fetch, { retryNonIdempotent: 'yes' as never })).toThrow(
      'withSentinel: "retryNonIdempotent" must be true or false',
    );
    expect(() => withSentinel(globalThis.fetch, { idempotencyKeyHeader: 'bad header' })).toThrow(
      'must be a header name',
    );
    expect(() => withSentinel(globalThis.fetch, { retires: 1 } as never)).toThrow(expect.toSatisfy(isConfigError));
    expect(() => withSentinel('fetch' as never)).toThrow(TypeError);
  });
});
