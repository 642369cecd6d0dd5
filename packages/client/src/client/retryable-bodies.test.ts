import type { ChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { HttpError, isHttpError, isResponseTooLargeError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { responseOf } from './carried-response.ts';

// A 1 MiB error page whose bytes say where they are: a cut or a shuffle shows in the comparison.
const MIB = 1024 * 1024;
const PAGE = Array.from({ length: MIB / 16 }, (_, i) => `${i.toString(16).padStart(15, '0')}\n`).join('');

let server: ChaosServer;
const { make } = useChaosServers(1, ([started]) => {
  server = started;
  server.route('/down', { type: 'status', status: 500, headers: { 'x-page': 'error' }, body: PAGE });
});
const retry = (maxAttempts: number) => simpleRetry({ maxAttempts, clock: new ManualClock() });

describe('the last response of a retryable status comes whole (regression: cut to 64 KiB)', () => {
  for (const maxAttempts of [1, 3]) {
    it(`throwOnHttpError: false, ${maxAttempts} attempt(s) ending on a 1 MiB 500: every byte of the body`, async () => {
      const client = make({ baseUrl: server.url, throwOnHttpError: false, retry: retry(maxAttempts) });
      const response = await client.get('/down');
      expect(response.status).toBe(500);
      expect(response.attempts).toBe(maxAttempts);
      expect(server.stats().requests).toBe(maxAttempts);
      const bytes = await response.bytes();
      expect(bytes.byteLength).toBe(MIB);
      expect(Buffer.from(bytes).toString()).toBe(PAGE);
      expect(client.status().inFlight).toBe(0);
    });

    it(`throwOnHttpError: false, ${maxAttempts} attempt(s), body over maxResponseBytes: ResponseTooLargeError, retries kept`, async () => {
      const client = make({
        baseUrl: server.url,
        throwOnHttpError: false,
        maxResponseBytes: MIB - 1,
        retry: retry(maxAttempts),
      });
      const error = await caught(client.get('/down'));
      expect(isResponseTooLargeError(error)).toBe(true);
      expect(error).toMatchObject({ limitBytes: MIB - 1, url: `${server.url}/down` });
      // Too large a 500 page is still a 500: it was retried like any other.
      expect(server.stats().requests).toBe(maxAttempts);
      expect(client.status().failures).toEqual({ SENTINEL_RESPONSE_TOO_LARGE: 1 });
    });

    it(`throwOnHttpError: true, ${maxAttempts} attempt(s): the HttpError carries status, headers, a 1 KiB excerpt, attempts`, async () => {
      const client = make({ baseUrl: server.url, retry: retry(maxAttempts) });
      const error = await caught(client.get('/down'));
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({
        status: 500,
        method: 'GET',
        url: `${server.url}/down`,
        attempts: maxAttempts,
        retryAfterMs: undefined,
      });
      expect((error as HttpError).headers['x-page']).toBe('error');
      expect((error as HttpError).bodyExcerpt).toBe(PAGE.slice(0, 1024));
      // What it documents, and no more: a caller keeping errors keeps no 1 MiB bodies with them.
      expect(responseOf(error)).toBeUndefined();
    });

    it(`throwOnHttpError: true, ${maxAttempts} attempt(s), body over maxResponseBytes: still the HttpError with its excerpt`, async () => {
      const client = make({ baseUrl: server.url, maxResponseBytes: 100_000, retry: retry(maxAttempts) });
      const error = await caught(client.get('/down'));
      expect(isHttpError(error)).toBe(true);
      expect(error).toMatchObject({ status: 500, attempts: maxAttempts });
      expect((error as HttpError).bodyExcerpt).toBe(PAGE.slice(0, 1024));
      expect(server.stats().requests).toBe(maxAttempts);
    });
  }

  it('stream mode: the last 500 is read whole and its body is a stream of every byte', async () => {
    const client = make({ baseUrl: server.url, throwOnHttpError: false, retry: retry(2) });
    await using response = await client.get('/down', { stream: true });
    expect(response.attempts).toBe(2);
    const chunks: Buffer[] = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe(PAGE);
    expect((await response.bytes()).byteLength).toBe(MIB);
  });

  it('a 503 then a 200: the discarded 1 MiB page does not cost the connection', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, body: PAGE, times: 1 }]);
    const client = make({ baseUrl: server.url, connections: 1, throwOnHttpError: false, retry: retry(2) });
    const response = await client.get('/flaky');
    expect(response.status).toBe(200);
    expect(server.stats().connections).toBe(1);
  });
});
