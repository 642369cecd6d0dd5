import type { ChaosServer } from '@sentinel/chaos';
import { isTimeoutError, systemClock } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { isNetworkError, isResponseTooLargeError, RequestTimeoutError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { type Client, createClient } from './client.ts';

let server: ChaosServer;
let client: Client;
useChaosServers(1, ([started], make) => {
  server = started;
  client = make({ baseUrl: server.url, connections: 2 });
});

describe('buffered responses', () => {
  it('decodes gzip, deflate and br, stacked up to five encodings', async () => {
    server.route('/one', { type: 'compressed', size: 5000, encodings: ['gzip'] });
    server.route('/three', { type: 'compressed', size: 5000, encodings: ['gzip', 'deflate', 'br'] });
    server.route('/five', { type: 'compressed', size: 100, encodings: ['gzip', 'gzip', 'br', 'deflate', 'gzip'] });
    for (const path of ['/one', '/three']) {
      const bytes = await (await client.get(path)).bytes();
      expect(bytes.length).toBe(5000);
      expect(bytes.every((b) => b === 0)).toBe(true);
    }
    expect((await (await client.get('/five')).bytes()).length).toBe(100);
  });

  it('refuses six encodings with a ResponseDecodeError', async () => {
    server.route('/six', { type: 'compressed', size: 10, encodings: ['gzip', 'gzip', 'gzip', 'gzip', 'gzip', 'gzip'] });
    expect(await caught(client.get('/six'))).toMatchObject({ code: 'SENTINEL_RESPONSE_DECODE' });
  });

  it('stops a gzip bomb at the cap, counted after decompression', async () => {
    server.route('/bomb', { type: 'compressed', size: 64 * 1024 * 1024 });
    const small = createClient({ baseUrl: server.url, maxResponseBytes: 1024 * 1024 });
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      const error = await caught(small.get('/bomb'));
      expect(isResponseTooLargeError(error)).toBe(true);
      expect(error).toMatchObject({ limitBytes: 1024 * 1024 });
      // Far less than the 64 MiB the bomb inflates to.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
      expect((await small.get('/after')).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('refuses a declared Content-Length above the cap and a chunked body that grows past it', async () => {
    server.route('/big', { type: 'oversized-body', size: 3000 });
    server.route('/chunked', { type: 'oversized-body', size: 3000, chunked: true });
    for (const path of ['/big', '/chunked']) {
      const error = await caught(client.get(path, { maxResponseBytes: 1000 }));
      expect(isResponseTooLargeError(error)).toBe(true);
    }
    expect((await client.get('/big', { maxResponseBytes: 3000 })).status).toBe(200);
  });

  it('turns a truncated body into a NetworkError', async () => {
    server.route('/trunc', { type: 'truncated-body', declared: 100, sent: 10 });
    const error = await caught(client.get('/trunc'));
    expect(isNetworkError(error)).toBe(true);
  });

  it('reports a reset before headers as a NetworkError with its code', async () => {
    server.route('/reset', { type: 'reset-before-headers' });
    expect(await caught(client.get('/reset'))).toMatchObject({ code: 'SENTINEL_NETWORK', maybeSent: true });
  });

  it('returns an empty body for HEAD', async () => {
    const response = await client.head('/x');
    expect(response.status).toBe(200);
    expect((await response.bytes()).length).toBe(0);
  });
});

describe('stream mode', () => {
  it('streams the decoded body', async () => {
    server.route('/gz', { type: 'compressed', size: 200_000 });
    const response = await client.get('/gz', { stream: true });
    let total = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) total += chunk.length;
    expect(total).toBe(200_000);
    expect(client.status().inFlight).toBe(0);
  });

  it('releases the connection when disposed unread (await using)', async () => {
    server.route('/big', { type: 'oversized-body', size: 5_000_000 });
    const one = createClient({ baseUrl: server.url, connections: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        await using response = await one.get('/big', { stream: true });
        expect(response.status).toBe(200);
      }
      // With one connection, a leaked stream would make this wait forever.
      expect((await one.get('/echo', { timeouts: { totalMs: 2_000 } })).status).toBe(200);
      expect(one.status().inFlight).toBe(0);
    } finally {
      await one.close();
    }
  });

  it("a caller's abort still reaches a stream being read, with short timeouts too", async () => {
    server.route('/slow', { type: 'slow-body', size: 10_000, bytesPerSecond: 2_000 });
    for (const timeouts of [undefined, { headersMs: 500, bodyIdleMs: 500 }]) {
      const controller = new AbortController();
      const response = await client.get('/slow', {
        stream: true,
        signal: controller.signal,
        ...(timeouts && { timeouts }),
      });
      const reason = new Error('stop reading');
      const read = (async () => {
        for await (const _chunk of response.body as AsyncIterable<Buffer>) controller.abort(reason);
      })();
      await expect(read).rejects.toBe(reason);
    }
    expect(client.status().inFlight).toBe(0);
  });

  it('bounds text() by maxResponseBytes', async () => {
    server.route('/big', { type: 'oversized-body', size: 50_000, chunked: true });
    const response = await client.get('/big', { stream: true, maxResponseBytes: 10_000 });
    expect(isResponseTooLargeError(await caught(response.text()))).toBe(true);
  });
});

describe('timeouts', () => {
  it('says the headers phase timed out for a hang', async () => {
    server.route('/hang', { type: 'hang' });
    const error = await caught(client.get('/hang', { timeouts: { headersMs: 30 } }));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({ phase: 'headers', timeoutMs: 30 });
  });

  it('says the body phase timed out for a slow body', async () => {
    server.route('/slow', { type: 'slow-body', size: 10_000, bytesPerSecond: 20 });
    const error = await caught(client.get('/slow', { timeouts: { bodyIdleMs: 30 } }));
    expect(error).toMatchObject({ phase: 'body' });
  });

  it('ends at the total deadline even while bytes keep trickling', async () => {
    server.route('/slow', { type: 'slow-body', size: 100_000, bytesPerSecond: 2_000 });
    const started = systemClock.now();
    const error = await caught(client.get('/slow', { timeouts: { totalMs: 60 } }));
    expect(error).toMatchObject({ phase: 'total', timeoutMs: 60 });
    expect(systemClock.now() - started).toBeLessThan(1_000);
  });

  it('shrinks the headers timeout to the time left', async () => {
    server.route('/hang', { type: 'hang' });
    const error = await caught(client.get('/hang', { timeouts: { headersMs: 10_000, totalMs: 40 } }));
    expect(isTimeoutError(error)).toBe(true);
  });
});
