import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChaosServer } from '@sentinel/chaos';
import { contextFor, type ExecuteOptions, isNonRetryable, type Operation, runOperation, timeout } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { isHttpError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { recordingLimiter, simpleBreaker, simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';

let server: ChaosServer;
let other: ChaosServer;
const { make } = useChaosServers(2, (started) => {
  [server, other] = started;
});

// Lets ManualClock sleepers registered by real I/O callbacks appear before advancing.
async function until(condition: () => boolean, limit = 200): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}

describe('retryable statuses through a generic retry', () => {
  it('retries a GET on 503 and returns the recovery', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    const clock = new ManualClock();
    const retry = simpleRetry({ maxAttempts: 3, delayMs: 100, clock });
    const client = make({ baseUrl: server.url, retry });
    const pending = client.get('/flaky');
    for (let i = 0; i < 2; i++) {
      await until(() => clock.pending > 0);
      await clock.advance(100);
    }
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    expect(client.status()).toMatchObject({ requests: 1, attempts: 3, retries: 2, inFlight: 0 });
  });

  it('waits the Retry-After the server sent', async () => {
    server.route('/busy', [{ type: 'rate-limit', retryAfter: '2', times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, retry: simpleRetry({ maxAttempts: 2, delayMs: 5, clock }) });
    const pending = client.get('/busy');
    await until(() => clock.pending > 0);
    expect(clock.nextDue).toBe(2_000);
    await clock.advance(2_000);
    expect((await pending).status).toBe(200);
  });

  it('Retry-After: 99999999 gives a typed error at once instead of a long sleep', async () => {
    server.route('/later', { type: 'rate-limit', status: 503, retryAfter: '99999999' });
    const clock = new ManualClock();
    const retry = simpleRetry({ maxAttempts: 5, clock });
    const client = make({ baseUrl: server.url, retry });
    const error = await caught(client.get('/later'));
    expect(isHttpError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 99_999_999_000, attempts: 1 });
    expect(isNonRetryable(error)).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('a Retry-After date in the past retries at once', async () => {
    server.route('/past', [{ type: 'rate-limit', status: 503, retryAfterDateMs: -60_000, times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, retry: simpleRetry({ maxAttempts: 2, delayMs: 10_000, clock }) });
    // Retry-After 0 means no wait: the retry needs no clock advance at all.
    const response = await client.get('/past');
    expect(response.attempts).toBe(2);
  });

  it('an abort during the backoff rejects at once with the reason', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, retry: simpleRetry({ maxAttempts: 5, delayMs: 60_000, clock }) });
    const controller = new AbortController();
    const pending = caught(client.get('/down', { signal: controller.signal }));
    await until(() => clock.pending > 0);
    const reason = new Error('user gave up');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    expect(clock.pending).toBe(0);
    expect(client.status().inFlight).toBe(0);
  });

  it('returns the last retryable response when throwOnHttpError is off', async () => {
    server.route('/down', { type: 'status', status: 502 });
    const clock = new ManualClock();
    const client = make({
      baseUrl: server.url,
      throwOnHttpError: false,
      retry: simpleRetry({ maxAttempts: 2, clock }),
    });
    const response = await client.get('/down');
    expect(response.status).toBe(502);
    expect(await response.text()).toBe('chaos: 502');
  });

  it('drains every discarded response, so one connection is never starved', async () => {
    server.route('/big-503', [{ type: 'status', status: 503, body: 'x'.repeat(200_000), times: 4 }]);
    const client = make({
      baseUrl: server.url,
      connections: 1,
      retry: simpleRetry({ maxAttempts: 5, clock: new ManualClock() }),
    });
    const response = await client.get('/big-503', { timeouts: { totalMs: 2_000 } });
    expect(response.attempts).toBe(5);
    // The 200 kB bodies are drained, not destroyed: the one connection is reused.
    expect(server.stats().connections).toBe(1);
  });

  it('a 503 with a body over maxResponseBytes is still retried (only an excerpt is kept)', async () => {
    server.route('/huge-503', [{ type: 'status', status: 503, body: 'y'.repeat(300_000), times: 1 }]);
    const client = make({
      baseUrl: server.url,
      maxResponseBytes: 100_000,
      retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }),
    });
    expect((await client.get('/huge-503')).attempts).toBe(2);
  });

  it('the total deadline spans all attempts', async () => {
    server.route('/hang', { type: 'hang' });
    const client = make({
      baseUrl: server.url,
      retry: simpleRetry({ maxAttempts: 100, clock: new ManualClock() }),
      // Room for several headers timeouts before the total one, even on a loaded machine.
      timeouts: { headersMs: 20, totalMs: 1_000 },
    });
    const error = await caught(client.get('/hang'));
    expect(error).toMatchObject({ phase: 'total' });
    expect(server.stats().requests).toBeGreaterThan(1);
  });
});

describe('breakers', () => {
  it('a 404 never trips a breaker; 503s do', async () => {
    server.route('/missing', { type: 'status', status: 404 });
    server.route('/down', { type: 'status', status: 503 });
    const breaker = simpleBreaker(3);
    const client = make({ baseUrl: server.url, breaker });
    for (let i = 0; i < 5; i++) await caught(client.get('/missing'));
    expect(breaker.open).toBe(false);
    for (let i = 0; i < 3; i++) await caught(client.get('/down'));
    expect(breaker.open).toBe(true);
    expect(client.status().breakers).toEqual({ '*': 'open' });
  });

  it('a factory gives one breaker per origin, bounded', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const made: string[] = [];
    const client = make({
      allowAbsoluteUrls: true,
      maxBreakers: 1,
      breaker: (origin) => {
        made.push(origin);
        return simpleBreaker(2);
      },
    });
    for (let i = 0; i < 2; i++) await caught(client.get(`${server.url}/down`));
    expect(await caught(client.get(`${server.url}/down`))).toMatchObject({ message: 'breaker open' });
    expect((await client.get(`${other.url}/fine`)).status).toBe(200);
    expect(made).toEqual([server.url, other.url]);
    expect(Object.keys(client.status().breakers)).toEqual([other.url]);
  });

  it('a group is asked for the origin', async () => {
    const asked: string[] = [];
    const shared = simpleBreaker(5);
    const client = make({
      baseUrl: server.url,
      breaker: {
        get(origin: string) {
          asked.push(origin);
          return shared;
        },
      },
    });
    await client.get('/x');
    expect(asked).toEqual([server.url]);
    expect(client.status().breakers).toEqual({ [server.url]: 'closed' });
  });

  it('a factory that returns no policy fails the call with a ConfigError', async () => {
    const client = make({ baseUrl: server.url, breaker: () => ({}) as never });
    expect(await caught(client.get('/x'))).toMatchObject({ code: 'SENTINEL_CONFIG', option: 'breaker' });
    expect(client.status().inFlight).toBe(0);
    expect(server.stats().requests).toBe(0);
  });
});

describe('limiter hints', () => {
  it('Retry-After penalizes the limiter', async () => {
    server.route('/busy', { type: 'rate-limit', retryAfter: '3' });
    const limiter = recordingLimiter();
    const client = make({ baseUrl: server.url, rateLimit: limiter });
    await caught(client.get('/busy'));
    expect(limiter.penalties).toEqual([3_000]);
  });

  it('RateLimit headers saying nothing remains pause it before the next 429', async () => {
    server.route('/last', { type: 'status', status: 200, headers: { ratelimit: 'limit=10, remaining=0, reset=7' } });
    server.route('/plenty', {
      type: 'status',
      status: 200,
      headers: { 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '7' },
    });
    const limiter = recordingLimiter();
    const client = make({ baseUrl: server.url, rateLimit: limiter });
    await client.get('/plenty');
    expect(limiter.penalties).toEqual([]);
    await client.get('/last');
    expect(limiter.penalties).toEqual([7_000]);
  });

  it('an absurd Retry-After does not pause the limiter', async () => {
    server.route('/later', { type: 'rate-limit', retryAfter: '99999999' });
    const limiter = recordingLimiter();
    const client = make({ baseUrl: server.url, rateLimit: limiter });
    await caught(client.get('/later'));
    expect(limiter.penalties).toEqual([]);
  });
});

describe('policies', () => {
  it('runs in the documented order: retry, breaker, limiter, policies, transport', async () => {
    const order: string[] = [];
    const tracer = (name: string) => ({
      execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
        order.push(name);
        return runOperation(fn, contextFor(options));
      },
    });
    const client = make({
      baseUrl: server.url,
      retry: tracer('retry'),
      breaker: tracer('breaker'),
      rateLimit: tracer('limiter'),
      policies: [tracer('p1'), tracer('p2')],
    });
    await client.get('/x');
    expect(order).toEqual(['retry', 'breaker', 'limiter', 'p1', 'p2']);
  });

  it('a core timeout in policies aborts the attempt', async () => {
    server.route('/hang', { type: 'hang' });
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, policies: [timeout({ ms: 50, clock })] });
    const pending = caught(client.get('/hang'));
    await until(() => server.stats().requests === 1);
    await clock.advance(50);
    expect(await pending).toMatchObject({ code: 'SENTINEL_TIMEOUT' });
  });
});
