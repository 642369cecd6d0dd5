import { createServer } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constant, retry } from '@sentinel/backoff';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { type Client, type ClientOptions, createClient } from '@sentinel/client';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceThrough } from '../test-support/clock.ts';
import { Telemetry } from '../test-support/telemetry.ts';
import { instrumentSentinel } from './instrument-sentinel.ts';

/*
 * `http.client.request.duration` is per attempt: every attempt the client makes (the `attempts` of
 * its status, its responses and its errors) records exactly one point, whatever ended it. These
 * tests count points against what the server saw and what the client counted, on real sockets.
 */

let server: ChaosServer;
let telemetry: Telemetry;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  server = await startChaosServer();
  telemetry = new Telemetry();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
  await telemetry.shutdown();
});

function instrument(): void {
  const disposer = instrumentSentinel({
    meterProvider: telemetry.meterProvider,
    tracerProvider: telemetry.tracerProvider,
  });
  cleanups.push(() => disposer.dispose());
}

/** A client on `clock` that retries up to `maxAttempts` times, 10 ms apart. */
function retrying(clock: ManualClock, maxAttempts: number, options: ClientOptions = {}): Client {
  const client = createClient({
    baseUrl: server.url,
    clock,
    retry: retry({ maxAttempts, backoff: constant(10), clock }),
    ...options,
  });
  cleanups.push(() => client.close());
  return client;
}

/** The attempt points, as `error.type` (or the status) → count. */
async function points(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { attributes, value } of await telemetry.points('http.client.request.duration')) {
    const key = String(attributes['error.type'] ?? attributes['http.response.status_code']);
    out[key] = (out[key] ?? 0) + (value as { count: number }).count;
  }
  return out;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}

describe('http.client.request.duration: one point per attempt', () => {
  it('resets before headers and 503s: as many points as the server saw requests and the client counted attempts', async () => {
    server.route('/flaky', [
      { type: 'reset-before-headers', times: 2 },
      { type: 'status', status: 503, times: 2 },
    ]);
    instrument();
    const clock = new ManualClock();
    const client = retrying(clock, 5);
    const pending = client.get('/flaky');
    await advanceThrough(clock, 4);
    expect((await pending).status).toBe(200);
    expect(server.stats().requests).toBe(5);
    expect(client.status().attempts).toBe(5);
    const counts = await points();
    expect(total(counts)).toBe(5);
    expect(counts).toMatchObject({ '503': 2, '200': 1 });
  });

  it('a headers timeout: the attempt that timed out has its point', async () => {
    server.route('/slow', [{ type: 'hang', times: 1 }]);
    instrument();
    const clock = new ManualClock();
    const client = retrying(clock, 2, { timeouts: { headersMs: 500 } });
    const pending = client.get('/slow');
    await until(() => server.stats().requests === 1);
    await clock.advance(500);
    await advanceThrough(clock, 1);
    expect((await pending).status).toBe(200);
    expect(await points()).toEqual({ 'SENTINEL_TIMEOUT:headers': 1, '200': 1 });
    expect(server.stats().requests).toBe(2);
  });

  it('instrumentation that starts while an attempt is in flight still records that attempt', async () => {
    server.route('/slow', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const client = retrying(clock, 2, { timeouts: { headersMs: 500 } });
    const pending = client.get('/slow');
    await until(() => server.stats().requests === 1);
    // The first attempt was sent with nobody listening; its outcome comes after this.
    instrument();
    await clock.advance(500);
    await advanceThrough(clock, 1);
    expect((await pending).status).toBe(200);
    const counts = await points();
    expect(counts).toEqual({ 'SENTINEL_TIMEOUT:headers': 1, '200': 1 });
    expect(total(counts)).toBe(server.stats().requests);
  });

  it('an attempt aborted with a reason that carries a status still has its point (it is not a response)', async () => {
    server.route('/slow', { type: 'hang' });
    instrument();
    const client = createClient({ baseUrl: server.url });
    cleanups.push(() => client.close());
    const controller = new AbortController();
    const pending = client.get('/slow', { signal: controller.signal }).catch((error: unknown) => error);
    await until(() => server.stats().requests === 1);
    // An application's own error type with a status, e.g. a gateway ending the upstream call.
    controller.abort(Object.assign(new Error('caller gone'), { name: 'CallerGoneError', status: 499 }));
    expect(await pending).toMatchObject({ status: 499 });
    expect(total(await points())).toBe(1);
  });

  it('attempts that fail before reaching a server (connection refused) have their points too, with error.type', async () => {
    // A port that refuses connections: bound, then closed.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    instrument();
    const clock = new ManualClock();
    const client = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(10), clock }),
    });
    cleanups.push(() => client.close());
    const pending = client.get('/').catch((error: unknown) => error);
    await advanceThrough(clock, 1);
    expect(await pending).toMatchObject({ code: 'SENTINEL_NETWORK', errorCode: 'ECONNREFUSED' });
    expect(client.status().attempts).toBe(2);
    expect(await points()).toEqual({ 'SENTINEL_NETWORK:ECONNREFUSED': 2 });
  });

  it('an attempt started once the total deadline has passed fails before sending: counted, and recorded like any other', async () => {
    server.route('/down', { type: 'status', status: 503 });
    instrument();
    const clock = new ManualClock();
    const client = createClient({
      baseUrl: server.url,
      clock,
      timeouts: { totalMs: 1_000 },
      retry: retry({ maxAttempts: 2, backoff: constant(1_000), clock }),
    });
    cleanups.push(() => client.close());
    const pending = client.get('/down').catch((error: unknown) => error);
    await advanceThrough(clock, 1);
    expect(await pending).toMatchObject({ phase: 'total' });
    expect(server.stats().requests).toBe(1);
    expect(client.status().attempts).toBe(2);
    expect(await points()).toEqual({ '503': 1, 'SENTINEL_TIMEOUT:total': 1 });
  });
});
