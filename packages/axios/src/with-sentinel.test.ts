import type { Readable } from 'node:stream';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive, isCircuitOpenError } from '@sentinel/breaker';
import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { isTimeoutError, type Policy } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withSentinel } from './with-sentinel.ts';

let server: ChaosServer;
let clock: ManualClock;
let client: AxiosInstance;

beforeEach(async () => {
  server = await startChaosServer({ seed: 11 });
  clock = new ManualClock();
  client = axios.create({ baseURL: server.url });
});

afterEach(async () => {
  await server.close();
});

async function untilSleeping(n = 1): Promise<void> {
  await vi.waitFor(() => expect(clock.pending).toBeGreaterThanOrEqual(n), { timeout: 5_000, interval: 1 });
}

const retryTwice = () => retry({ maxAttempts: 3, backoff: constant(100), clock });

describe('withSentinel(axios instance)', () => {
  it('returns axios’s own response when nothing fails', async () => {
    withSentinel(client, { retry: retryTwice(), timeout: 5_000 });
    const response = await client.get<EchoBody>('/hello', { params: { x: 1 }, headers: { 'x-test': 'yes' } });
    expect(response.status).toBe(200);
    expect(response.data.url).toBe('/hello?x=1');
    expect(response.data.headers).toContainEqual(['x-test', 'yes']);
    expect(response.config.validateStatus).toBe(client.defaults.validateStatus);
  });

  it('retries a 503 by re-running the real request; interceptors run once per logical request', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    withSentinel(client, { retry: retryTwice() });
    let intercepted = 0;
    client.interceptors.request.use((config) => {
      intercepted++;
      return config;
    });
    const call = client.get('/flaky');
    await untilSleeping();
    await clock.advance(100);
    await untilSleeping();
    await clock.advance(100);
    expect((await call).status).toBe(200);
    expect(server.stats().requests).toBe(3);
    expect(intercepted).toBe(1);
  });

  it('gives every attempt its own copy of the headers: what one attempt’s adapter sets does not leak into the next', async () => {
    server.route('/copy', [{ type: 'status', status: 503, times: 1 }]);
    const seen: (string | undefined)[] = [];
    const http = axios.getAdapter('http');
    client.defaults.adapter = async (config) => {
      seen.push(config.headers.get('x-attempt-mark') as string | undefined);
      config.headers.set('x-attempt-mark', 'set by an earlier attempt');
      return http(config);
    };
    withSentinel(client, { retry: retryTwice() });
    const call = client.get('/copy');
    await untilSleeping();
    await clock.advance(100);
    expect((await call).status).toBe(200);
    expect(seen).toEqual([undefined, undefined]);
  });

  it('after the last retry throws the same AxiosError plain axios throws for a 503', async () => {
    server.route('/down', [{ type: 'status', status: 503, body: 'down' }]);
    withSentinel(client, { retry: retry({ maxAttempts: 2, backoff: constant(10), clock }) });
    const call = client.get('/down').catch((e: unknown) => e);
    await untilSleeping();
    await clock.advance(10);
    const error = (await call) as AxiosError;
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error.code).toBe('ERR_BAD_RESPONSE');
    expect(error.message).toBe('Request failed with status code 503');
    expect(error.response?.status).toBe(503);
    expect(error.response?.data).toBe('down');
    expect(server.stats().requests).toBe(2);
  });

  it('honours a 503’s Retry-After over the backoff', async () => {
    server.route('/maintenance', [{ type: 'status', status: 503, headers: { 'retry-after': '3' }, times: 1 }]);
    withSentinel(client, { retry: retryTwice() });
    const call = client.get('/maintenance');
    await untilSleeping();
    await clock.advance(2_999);
    expect(server.stats().requests).toBe(1);
    await clock.advance(1);
    expect((await call).status).toBe(200);
  });

  it('never sends a POST without an idempotency key twice; one with a key is retried under the same key', async () => {
    server.route('/orders', [{ type: 'status', status: 503, times: 1 }]);
    withSentinel(client, { retry: retryTwice() });
    const unkeyed = (await client.post('/orders', { qty: 1 }).catch((e: unknown) => e)) as AxiosError;
    expect(unkeyed.response?.status).toBe(503);
    expect(server.stats().byMethod.POST).toBe(1);

    server.route('/orders', [{ type: 'status', status: 503, times: 1 }]);
    server.resetStats();
    const keyed = client.post('/orders', { qty: 1 }, { headers: { 'Idempotency-Key': 'order-7' } });
    await untilSleeping();
    await clock.advance(100);
    expect((await keyed).status).toBe(200);
    expect(server.stats().byIdempotencyKey).toEqual({ 'order-7': 2 });
  });

  it('does not resend a POST reset after it was written, but retries a refused connection', async () => {
    server.route('/pay', [{ type: 'reset-before-headers' }]);
    withSentinel(client, { retry: retryTwice() });
    const reset = (await client.post('/pay', 'amount=5').catch((e: unknown) => e)) as AxiosError;
    expect(reset.code).toBe('ECONNRESET');
    expect(server.stats().byMethod.POST).toBe(1);

    const closed = await startChaosServer();
    const refusedUrl = `${closed.url}/orders`;
    await closed.close();
    const policy = retry({ maxAttempts: 3, backoff: constant(1), clock });
    const attempts: number[] = [];
    policy.onRetry((event) => attempts.push(event.attempt));
    const other = axios.create();
    withSentinel(other, { retry: policy });
    const refused = other.post(refusedUrl, 'x').catch((e: AxiosError) => e.code);
    await untilSleeping();
    await clock.advance(1);
    await untilSleeping();
    await clock.advance(1);
    expect(await refused).toBe('ECONNREFUSED');
    expect(attempts).toEqual([1, 2]);
  });

  it('a breaker trips on 503s and then fails fast without touching the server', async () => {
    server.route('/unstable', [{ type: 'status', status: 503 }]);
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter: 60_000, clock });
    withSentinel(client, { breaker });
    for (let i = 0; i < 2; i++)
      await expect(client.get('/unstable')).rejects.toMatchObject({ response: { status: 503 } });
    const rejected = await client.get('/unstable').catch((e: unknown) => e);
    expect(isCircuitOpenError(rejected)).toBe(true);
    expect(server.stats().requests).toBe(2);
  });

  it('a 404 is thrown as axios does but neither retried nor counted by the breaker', async () => {
    server.route('/missing', [{ type: 'status', status: 404 }]);
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    withSentinel(client, { retry: retryTwice(), breaker });
    const error = (await client.get('/missing').catch((e: unknown) => e)) as AxiosError;
    expect(error.code).toBe('ERR_BAD_REQUEST');
    expect(server.stats().requests).toBe(1);
    expect(breaker.status().state).toBe('closed');
  });

  it('a rate limiter spaces requests', async () => {
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 2, clock });
    withSentinel(client, { rateLimit: rateLimit({ limiter }) });
    const calls = [client.get('/a'), client.get('/b')];
    await vi.waitFor(() => expect(server.stats().requests).toBe(1), { timeout: 5_000, interval: 1 });
    await untilSleeping();
    expect(server.stats().requests).toBe(1);
    await clock.advance(500);
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200]);
    expect(server.stats().requests).toBe(2);
  });

  it('an abort during the backoff rejects at once with CanceledError and sends nothing more', async () => {
    server.route('/slow', [{ type: 'status', status: 503 }]);
    withSentinel(client, { retry: retry({ maxAttempts: 5, backoff: constant(60_000), clock }) });
    const controller = new AbortController();
    const call = client.get('/slow', { signal: controller.signal }).catch((e: unknown) => e);
    await untilSleeping();
    controller.abort();
    const error = await call;
    expect(axios.isCancel(error)).toBe(true);
    expect(server.stats().requests).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('a CancelToken cancellation of a hung request is not retried', async () => {
    server.route('/hang', [{ type: 'hang' }]);
    withSentinel(client, { retry: retryTwice() });
    const source = axios.CancelToken.source();
    const call = client.get('/hang', { cancelToken: source.token }).catch((e: unknown) => e);
    await vi.waitFor(() => expect(server.stats().requests).toBe(1), { timeout: 5_000, interval: 1 });
    source.cancel('user gave up');
    expect(axios.isCancel(await call)).toBe(true);
    expect(clock.pending).toBe(0);
    expect(server.stats().requests).toBe(1);
  });

  it('a per-attempt Sentinel timeout aborts a hung request', async () => {
    server.route('/hang', [{ type: 'hang' }]);
    withSentinel(client, { timeout: 2_000, clock });
    const call = client.get('/hang').catch((e: unknown) => e);
    await untilSleeping();
    await clock.advance(2_000);
    expect(isTimeoutError(await call)).toBe(true);
  });

  it('a streamed 503 that is retried is destroyed before the next attempt', async () => {
    server.route('/stream', [{ type: 'status', status: 503, body: 'x'.repeat(100_000), times: 1 }]);
    const seen: AxiosResponse[] = [];
    const http = axios.getAdapter('http');
    client.defaults.adapter = async (config) => {
      const response = await http(config);
      seen.push(response);
      return response;
    };
    withSentinel(client, { retry: retryTwice() });
    const call = client.get('/stream', { responseType: 'stream' });
    await untilSleeping();
    await clock.advance(100);
    const response = await call;
    expect(response.status).toBe(200);
    expect(seen.map((r) => r.status)).toEqual([503, 200]);
    expect((seen[0] as AxiosResponse).data.destroyed).toBe(true);
    expect((response.data as Readable).destroyed).toBe(false);
    (response.data as Readable).destroy();
  });

  it('config.sentinel: false sends the request past every policy; an override replaces one layer', async () => {
    const refuse: Policy = { execute: () => Promise.reject(new Error('policy ran')) };
    withSentinel(client, { breaker: refuse });
    await expect(client.get('/x')).rejects.toThrow('policy ran');
    expect((await client.get('/x', { sentinel: false })).status).toBe(200);
    expect((await client.get('/x', { sentinel: { breaker: false } })).status).toBe(200);
    expect(server.stats().requests).toBe(2);
  });

  it('config.sentinel.idempotent lets a POST without a key be retried', async () => {
    server.route('/safe', [{ type: 'status', status: 502, times: 1 }]);
    withSentinel(client, { retry: retryTwice() });
    const call = client.post('/safe', 'x', { sentinel: { idempotent: true } });
    await untilSleeping();
    await clock.advance(100);
    expect((await call).status).toBe(200);
    expect(server.stats().byMethod.POST).toBe(2);
  });

  it('the returned disposer restores the instance’s adapter, and only its own installation', () => {
    const original = client.defaults.adapter;
    const remove = withSentinel(client, {});
    expect(client.defaults.adapter).not.toBe(original);
    remove();
    expect(client.defaults.adapter).toBe(original);
    const again = withSentinel(client, {});
    const later = () => Promise.reject(new Error('someone else'));
    client.defaults.adapter = later;
    again[Symbol.dispose]();
    expect(client.defaults.adapter).toBe(later);
  });

  it('refuses bad input at construction', () => {
    expect(() => withSentinel({} as AxiosInstance)).toThrow(TypeError);
    expect(() => withSentinel(client, { retry: 3 as never })).toThrow('pipeline: "retry" must be a policy');
    expect(() => withSentinel(client, { retryz: 1 } as never)).toThrow(
      'withSentinel: "retryz" must be one of the known options',
    );
  });
});
