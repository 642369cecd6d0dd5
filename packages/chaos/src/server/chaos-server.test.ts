import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { isConfigError } from '@sentinel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from './chaos-server.ts';
import type { EchoBody, Fault } from './faults.ts';

interface Raw {
  status?: number | undefined;
  headers?: Record<string, string | string[] | undefined> | undefined;
  body: Buffer;
  error?: string | undefined;
}

// node:http directly (no keep-alive agent), so each fault's effect on the socket is visible as is.
function raw(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  limitMs = 2_000,
): Promise<Raw> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let status: number | undefined;
    let headers: Raw['headers'];
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers, agent: false, timeout: limitMs },
      (res) => {
        status = res.statusCode;
        headers = res.headers;
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status, headers, body: Buffer.concat(parts) }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status, headers, body: Buffer.concat(parts), error: error.code ?? error.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TEST_TIMEOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      const result: Raw = { body: Buffer.concat(parts), error: error.code ?? error.message };
      if (status !== undefined) result.status = status;
      resolve(result);
    });
    req.end(init.body);
  });
}

let server: ChaosServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(routes: Record<string, Fault | Fault[]> = {}, seed = 1): Promise<ChaosServer> {
  server = await startChaosServer({ seed, routes });
  return server;
}

describe('startChaosServer', () => {
  it('echoes method, url, raw headers and body on every path by default', async () => {
    const s = await start();
    const res = await raw(`${s.url}/any/path?q=1`, { method: 'POST', headers: { 'X-Case': 'Kept' }, body: 'hello' });
    const echo = JSON.parse(res.body.toString()) as EchoBody;
    expect(res.status).toBe(200);
    expect(echo).toMatchObject({ method: 'POST', url: '/any/path?q=1', body: 'hello', bodyBytes: 5 });
    expect(echo.headers).toContainEqual(['X-Case', 'Kept']);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('plays a status sequence, then falls back to the echo', async () => {
    const s = await start({
      '/seq': [
        { type: 'status', status: 503, times: 2 },
        { type: 'status', status: 429, times: 1 },
      ],
    });
    const statuses: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await raw(`${s.url}/seq`)).status);
    expect(statuses).toEqual([503, 503, 429, 200]);
    expect(s.stats().faults).toEqual({ status: 3, echo: 1 });
  });

  it('fires a failure rate deterministically under a seed', async () => {
    const run = async (seed: number) => {
      const s = await startChaosServer({ seed, faults: { type: 'status', status: 500, rate: 0.5 } });
      const statuses: (number | undefined)[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await raw(`${s.url}/x`)).status);
      await s.close();
      return statuses;
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    const failures = first.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(17);
    expect(await run(8)).not.toEqual(first);
  });

  it('answers 429 with Retry-After seconds and rate-limit headers', async () => {
    const s = await start({
      '/limited': { type: 'rate-limit', retryAfter: '2', rateLimit: { limit: 10, remaining: 0, resetSeconds: 2 } },
    });
    const res = await raw(`${s.url}/limited`);
    expect(res.status).toBe(429);
    expect(res.headers?.['retry-after']).toBe('2');
    expect(res.headers?.ratelimit).toBe('limit=10, remaining=0, reset=2');
    expect(res.headers?.['x-ratelimit-remaining']).toBe('0');
  });

  it('answers Retry-After as an HTTP date', async () => {
    const s = await start({ '/date': { type: 'rate-limit', status: 503, retryAfterDateMs: 60_000 } });
    const res = await raw(`${s.url}/date`);
    expect(res.status).toBe(503);
    expect(res.headers?.['retry-after']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('resets the connection before any header', async () => {
    const s = await start({ '/reset': { type: 'reset-before-headers' } });
    const res = await raw(`${s.url}/reset`);
    expect(res.status).toBeUndefined();
    expect(res.error).toBe('ECONNRESET');
  });

  it('resets the connection in the middle of the body', async () => {
    const s = await start({ '/mid': { type: 'reset-mid-body', bytes: 10 } });
    const res = await raw(`${s.url}/mid`);
    expect(res.status).toBe(200);
    expect(res.error).toBeDefined();
    expect(res.body.length).toBeLessThanOrEqual(10);
  });

  it('hangs until the client gives up, and close() still ends the socket', async () => {
    const s = await start({ '/hang': { type: 'hang' } });
    const res = await raw(`${s.url}/hang`, {}, 50);
    expect(res.error).toBe('TEST_TIMEOUT');
    const pending = raw(`${s.url}/hang`, {}, 5_000);
    for (let i = 0; i < 500 && s.stats().requests < 2; i++) await new Promise((r) => setTimeout(r, 2));
    await s.close();
    expect((await pending).error).toBe('ECONNRESET');
  });

  it('sends a slow body at the given rate', async () => {
    const s = await start({ '/slow': { type: 'slow-body', size: 600, bytesPerSecond: 4_000 } });
    const started = performance.now();
    const res = await raw(`${s.url}/slow`);
    const elapsed = performance.now() - started;
    expect(res.body.length).toBe(600);
    // Three 200-byte chunks (1/20 s of bandwidth each) with a 50 ms pause between them.
    expect(elapsed).toBeGreaterThan(90);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('truncates a body shorter than its Content-Length', async () => {
    const s = await start({ '/trunc': { type: 'truncated-body', declared: 100, sent: 40 } });
    const res = await raw(`${s.url}/trunc`);
    expect(res.headers?.['content-length']).toBe('100');
    expect(res.body.length).toBe(40);
    expect(res.error).toBeDefined();
  });

  it('sends an oversized body, with or without Content-Length', async () => {
    const s = await start({
      '/big': { type: 'oversized-body', size: 300_000 },
      '/chunked': { type: 'oversized-body', size: 200_000, chunked: true },
    });
    const big = await raw(`${s.url}/big`);
    expect(big.headers?.['content-length']).toBe('300000');
    expect(big.body.length).toBe(300_000);
    const chunked = await raw(`${s.url}/chunked`);
    expect(chunked.headers?.['transfer-encoding']).toBe('chunked');
    expect(chunked.body.length).toBe(200_000);
  });

  it('serves a gzip bomb: a small payload that inflates to its declared size', async () => {
    const s = await start({ '/bomb': { type: 'compressed', size: 16 * 1024 * 1024 } });
    const res = await raw(`${s.url}/bomb`);
    expect(res.headers?.['content-encoding']).toBe('gzip');
    expect(res.body.length).toBeLessThan(100_000);
    expect(gunzipSync(res.body).length).toBe(16 * 1024 * 1024);
  });

  it('stacks encodings in Content-Encoding order', async () => {
    const s = await start({ '/layers': { type: 'compressed', size: 1000, encodings: ['gzip', 'deflate', 'br'] } });
    const res = await raw(`${s.url}/layers`);
    expect(res.headers?.['content-encoding']).toBe('gzip, deflate, br');
  });

  it('redirects along a chain, then to the target', async () => {
    const s = await start({ '/chain': { type: 'redirect', location: '/done', hops: 3, status: 307 } });
    const locations: (string | string[] | undefined)[] = [];
    let path = '/chain';
    for (let i = 0; i < 3; i++) {
      const res = await raw(`${s.url}${path}`);
      expect(res.status).toBe(307);
      path = String(res.headers?.location);
      locations.push(path);
    }
    expect(locations).toEqual(['/chain?hop=1', '/chain?hop=2', '/done']);
  });

  it('redirects across origins to a second server', async () => {
    const second = await startChaosServer();
    try {
      const s = await start({ '/away': { type: 'redirect', location: `${second.url}/landing` } });
      const res = await raw(`${s.url}/away`);
      expect(res.headers?.location).toBe(`${second.url}/landing`);
      await raw(String(res.headers?.location));
      expect(second.stats().byPath).toEqual({ '/landing': 1 });
    } finally {
      await second.close();
    }
  });

  it('adds latency before answering', async () => {
    const s = await start({ '/late': { type: 'echo', latencyMs: { min: 40, max: 60 } } });
    const started = performance.now();
    await raw(`${s.url}/late`);
    expect(performance.now() - started).toBeGreaterThan(35);
  });

  it('counts requests by method, path, route, idempotency key, connections and bytes', async () => {
    const s = await start();
    await raw(`${s.url}/a`, { method: 'POST', headers: { 'Idempotency-Key': 'k1' }, body: 'x' });
    await raw(`${s.url}/a?x=1`, { method: 'POST', headers: { 'Idempotency-Key': 'k1' }, body: 'x' });
    await raw(`${s.url}/b`);
    await new Promise((r) => setTimeout(r, 10));
    const stats = s.stats();
    expect(stats).toMatchObject({
      requests: 3,
      byMethod: { POST: 2, GET: 1 },
      byPath: { '/a': 2, '/b': 1 },
      byRoute: { 'POST /a': 2, 'GET /b': 1 },
      byIdempotencyKey: { k1: 2 },
      connections: 3,
    });
    expect(stats.bytesReceived).toBeGreaterThan(100);
    expect(stats.bytesSent).toBeGreaterThan(100);
    s.resetStats();
    expect(s.stats()).toMatchObject({ requests: 0, connections: 0, bytesReceived: 0, bytesSent: 0 });
  });

  it('counts zero bytes when nothing is sent, and survives malformed requests', async () => {
    const s = await start();
    expect(s.stats().bytesReceived).toBe(0);
    const socket = connect(s.port, '127.0.0.1');
    await new Promise<void>((resolve) => {
      socket.on('close', () => resolve());
      socket.on('error', () => {});
      socket.write('GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    });
    expect((await raw(`${s.url}/ok`)).status).toBe(200);
  });

  it('lets routes change while running', async () => {
    const s = await start();
    s.route('/x', { type: 'status', status: 502 });
    expect((await raw(`${s.url}/x`)).status).toBe(502);
    s.setFaults({ type: 'status', status: 504 });
    expect((await raw(`${s.url}/y`)).status).toBe(504);
    s.setFaults([]);
    expect((await raw(`${s.url}/y`)).status).toBe(200);
  });

  it('close() is idempotent and works with await using', async () => {
    let url: string;
    {
      await using s = await startChaosServer();
      url = s.url;
      expect((await raw(`${url}/`)).status).toBe(200);
    }
    expect((await raw(`${url}/`)).error).toBe('ECONNREFUSED');
    const s = await startChaosServer();
    await Promise.all([s.close(), s.close()]);
  });

  it.each<[string, object, string]>([
    ['an unknown fault type', { routes: { '/': { type: 'explode' } } }, 'routes[/][0].type'],
    ['a rate above 1', { faults: { type: 'hang', rate: 2 } }, 'faults[0].rate'],
    ['a negative latency', { faults: { type: 'echo', latencyMs: -1 } }, 'faults[0].latencyMs'],
    ['a range with max < min', { faults: { type: 'echo', latencyMs: { min: 5, max: 1 } } }, 'faults[0].latencyMs.max'],
    [
      'a truncated body not shorter than declared',
      { faults: { type: 'truncated-body', declared: 5, sent: 5 } },
      'faults[0].sent',
    ],
    ['an unknown encoding', { faults: { type: 'compressed', size: 1, encodings: ['zstd'] } }, 'faults[0].encodings[0]'],
    ['a port out of range', { port: 70_000 }, 'port'],
    ['an unknown option', { colour: 'red' }, 'colour'],
  ])('rejects %s', async (_title, options, option) => {
    const error = await startChaosServer(options as never).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ option });
  });
});
