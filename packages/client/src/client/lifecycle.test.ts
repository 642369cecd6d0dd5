import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ChaosServer } from '@sentinel/chaos';
import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { caught } from '../test-support/caught.ts';
import { simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { createClient } from './client.ts';

let server: ChaosServer;
useChaosServers(1, ([started]) => {
  server = started;
});

// A real forced GC even though vitest does not start node with --expose-gc: without it the heap
// reading depends on when the collector last ran, and a busy machine makes that noise.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// Resources that belong to the test runner come and go; count only sockets and timers.
function ioResources(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'Timeout').length;
}

describe('close()', () => {
  it('makes later calls fail with ClientClosedError and is idempotent', async () => {
    const client = createClient({ baseUrl: server.url });
    await client.get('/x');
    await Promise.all([client.close(), client.close()]);
    expect(await caught(client.get('/x'))).toMatchObject({ code: 'SENTINEL_CLIENT_CLOSED', name: 'ClientClosedError' });
    expect(client.status().closed).toBe(true);
  });

  it('aborts requests in flight', async () => {
    server.route('/hang', { type: 'hang' });
    const client = createClient({ baseUrl: server.url });
    const pending = caught(client.get('/hang'));
    for (let i = 0; i < 1_000 && server.stats().requests === 0; i++) await nextTurn();
    await client.close();
    expect(await pending).toMatchObject({ code: 'SENTINEL_CLIENT_CLOSED' });
  });

  it('does not close a dispatcher it did not create', async () => {
    const { Agent } = await import('undici');
    const agent = new Agent();
    const client = createClient({ baseUrl: server.url, dispatcher: agent });
    await client.get('/x');
    await client.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });

  it('10,000 mixed requests leave the heap flat and no socket or timer after close()', async () => {
    server.route('/503', [{ type: 'status', status: 503, rate: 0.3 }]);
    server.route('/404', { type: 'status', status: 404 });
    server.route('/gz', { type: 'compressed', size: 2_000 });
    const baseline = ioResources();
    const client = createClient({
      baseUrl: server.url,
      retry: simpleRetry({ maxAttempts: 5, clock: new ManualClock() }),
      connections: 8,
    });
    const paths = ['/a', '/503', '/404', '/gz'];
    const batch = async (from: number, count: number) => {
      const calls: Promise<unknown>[] = [];
      for (let i = from; i < from + count; i++) {
        const path = paths[i % paths.length] as string;
        const call = i % 7 === 0 ? client.post(path, { json: { i }, idempotencyKey: true }) : client.get(path);
        calls.push(
          call.then(
            (r) => r.bytes(),
            () => undefined,
          ),
        );
      }
      await Promise.all(calls);
    };
    await batch(0, 1_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 1_000; i < 10_000; i += 500) await batch(i, 500);
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    // A leak of ~1 KB per request would be 9 MB over these 9,000 requests.
    expect(growth).toBeLessThan(4 * 1024 * 1024);
    const status = client.status();
    expect(status.requests).toBe(10_000);
    expect(status.inFlight).toBe(0);
    await client.close();
    await server.close();
    for (let i = 0; i < 50 && ioResources() > baseline; i++) await nextTurn();
    expect(ioResources()).toBeLessThanOrEqual(baseline);
  }, 30_000);
});

describe('status()', () => {
  it('counts requests, retries and failures by code', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    server.route('/missing', { type: 'status', status: 404 });
    server.route('/reset', { type: 'reset-before-headers' });
    const client = createClient({
      baseUrl: server.url,
      retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }),
    });
    await client.get('/flaky');
    await caught(client.get('/missing'));
    await caught(client.get('/reset'));
    const status = client.status();
    expect(status).toMatchObject({ requests: 3, attempts: 5, retries: 2, inFlight: 0, closed: false });
    expect(status.failures).toEqual({ 'SENTINEL_HTTP_ERROR:404': 1, 'SENTINEL_NETWORK:ECONNRESET': 1 });
    expect(status.pool).toBeDefined();
    await client.close();
  });
});

describe('diagnostics_channel', () => {
  it('publishes sentinel:client:request, response and error', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const seen: [string, unknown][] = [];
    const listeners = ['request', 'response', 'error'].map((name) => {
      const listener = (message: unknown) => seen.push([name, message]);
      subscribe(`sentinel:client:${name}`, listener);
      return [name, listener] as const;
    });
    const client = createClient({
      baseUrl: server.url,
      retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }),
    });
    try {
      await client.get('/flaky');
    } finally {
      for (const [name, listener] of listeners) unsubscribe(`sentinel:client:${name}`, listener);
      await client.close();
    }
    expect(seen.map(([name, m]) => `${name}:${(m as { attempt: number }).attempt}`)).toEqual([
      'request:1',
      'response:1',
      'error:1',
      'request:2',
      'response:2',
    ]);
    expect(seen[1]?.[1]).toMatchObject({ method: 'GET', status: 503, url: `${server.url}/flaky` });
  });
});

describe('options', () => {
  it.each<[string, object, string]>([
    ['a relative baseUrl', { baseUrl: '/api' }, 'baseUrl'],
    ['an ftp baseUrl', { baseUrl: 'ftp://x.test/' }, 'baseUrl'],
    ['a zero timeout', { timeouts: { headersMs: 0 } }, 'timeouts.headersMs'],
    ['an infinite total', { timeouts: { totalMs: Number.POSITIVE_INFINITY } }, 'timeouts.totalMs'],
    ['an unknown timeout', { timeouts: { idleMs: 5 } }, 'idleMs'],
    ['a negative maxResponseBytes', { maxResponseBytes: -1 }, 'maxResponseBytes'],
    ['a retry that is not a policy', { retry: 3 }, 'retry'],
    ['a breaker that is not a source', { breaker: {} }, 'breaker'],
    ['a policies entry that is not a policy', { policies: [{}] }, 'policies[0]'],
    ['a bad sensitive header', { sensitiveHeaders: ['a b'] }, 'sensitiveHeaders'],
    ['zero connections', { connections: 0 }, 'connections'],
    ['an unknown option', { retries: 3 }, 'retries'],
  ])('rejects %s', (_title, options, option) => {
    let error: unknown;
    try {
      createClient(options as never);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ option });
  });
});
