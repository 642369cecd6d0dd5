import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { isNonRetryable } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { isInvalidRequestError, isRedirectError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { type Client, createClient } from './client.ts';

let server: ChaosServer;
let other: ChaosServer;
const { make } = useChaosServers(2, (started) => {
  [server, other] = started;
});

describe('CR, LF and NUL are refused before any byte is sent', () => {
  it.each<[string, (c: Client) => Promise<unknown>]>([
    ['a header value', (c) => c.get('/x', { headers: { 'x-a': 'v\r\nX-Injected: 1' } })],
    ['a header value in pairs', (c) => c.get('/x', { headers: [['x-a', 'v\nw']] })],
    ['a header value in a Map', (c) => c.get('/x', { headers: new Map([['x-a', 'v\0']]) })],
    ['a header name', (c) => c.get('/x', { headers: { 'x-a\r\nx-b': 'v' } })],
    ['the path', (c) => c.get('/x\r\nHost: evil')],
    ['the query string', (c) => c.get('/x?a=\r\n')],
    ['the method', (c) => c.request('GET\r\n', '/x')],
    ['the idempotency key', (c) => c.post('/x', { idempotencyKey: 'k\r\n' })],
  ])('in %s', async (_title, send) => {
    const client = make({ baseUrl: server.url });
    const error = await caught(send(client));
    expect(isInvalidRequestError(error)).toBe(true);
    expect(server.stats()).toMatchObject({ requests: 0, connections: 0, bytesReceived: 0 });
  });

  it('in the default headers, at construction', () => {
    expect(() => createClient({ headers: { 'x-a': 'v\r\n' } })).toThrow(expect.objectContaining({ option: 'headers' }));
  });
});

describe('a POST is never sent twice without a key', () => {
  it('is not retried after a reset once the request was written (server count 1)', async () => {
    server.route('/orders', { type: 'reset-before-headers' });
    const clock = new ManualClock();
    const retry = simpleRetry({ maxAttempts: 5, clock });
    const client = make({ baseUrl: server.url, retry });
    const error = await caught(client.post('/orders', { json: { item: 1 } }));
    expect(error).toMatchObject({ code: 'SENTINEL_NETWORK' });
    expect(isNonRetryable(error)).toBe(true);
    expect(retry.attempts).toEqual([1]);
    expect(server.stats().byRoute['POST /orders']).toBe(1);
  });

  it('is not retried after a 503 either', async () => {
    server.route('/orders', { type: 'status', status: 503 });
    const client = make({ baseUrl: server.url, retry: simpleRetry({ maxAttempts: 5, clock: new ManualClock() }) });
    expect(await caught(client.post('/orders'))).toMatchObject({ status: 503, attempts: 1 });
    expect(server.stats().byRoute['POST /orders']).toBe(1);
  });

  it('is never written twice even under a retry that ignores the non-retryable mark', async () => {
    server.route('/orders', { type: 'reset-mid-body' });
    const stubborn = {
      async execute<T>(fn: (ctx: { signal: AbortSignal; attempt: number }) => T | PromiseLike<T>): Promise<T> {
        let last: unknown;
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            return await fn({ signal: new AbortController().signal, attempt });
          } catch (error) {
            last = error;
          }
        }
        throw last;
      },
    };
    const client = make({ baseUrl: server.url, retry: stubborn });
    expect(await caught(client.post('/orders', { body: 'x' }))).toMatchObject({ code: 'SENTINEL_UNSAFE_RETRY' });
    expect(server.stats().byRoute['POST /orders']).toBe(1);
  });

  it('with a key, is retried and the server sees one key on every attempt', async () => {
    server.route('/orders', [{ type: 'reset-before-headers', times: 2 }]);
    const client = make({ baseUrl: server.url, retry: simpleRetry({ maxAttempts: 5, clock: new ManualClock() }) });
    const response = await client.post('/orders', { json: { item: 1 }, idempotencyKey: true });
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(3);
    const keys = Object.entries(server.stats().byIdempotencyKey);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.[1]).toBe(3);
  });

  it('client-wide idempotencyKey adds a key to POST and PATCH only', async () => {
    const client = make({ baseUrl: server.url, idempotencyKey: true, idempotencyKeyHeader: 'X-Request-Key' });
    const post = await (await client.post('/p')).json<EchoBody>();
    const get = await (await client.get('/g')).json<EchoBody>();
    expect(post.headers.some(([n]) => n === 'x-request-key')).toBe(true);
    expect(get.headers.some(([n]) => n === 'x-request-key')).toBe(false);
  });

  it('a refused connection is always safe to retry, POST included', async () => {
    const closed = await startChaosServer();
    const url = closed.url;
    await closed.close();
    const retry = simpleRetry({ maxAttempts: 3, clock: new ManualClock() });
    const client = make({ baseUrl: url, retry });
    const error = await caught(client.post('/x'));
    expect(error).toMatchObject({ code: 'SENTINEL_NETWORK', errorCode: 'ECONNREFUSED', maybeSent: false });
    expect(retry.attempts).toEqual([1, 2, 3]);
  });
});

describe('redirects', () => {
  const methods = ['get', 'head', 'options', 'delete', 'post', 'put', 'patch'] as const;
  const shapes: [string, () => unknown][] = [
    [
      'object',
      () => ({ Authorization: 'secret', Cookie: 'c=1', 'Proxy-Authorization': 'p', 'X-Api-Key': 'k', 'X-Keep': '1' }),
    ],
    [
      'pairs',
      () => [
        ['AUTHORIZATION', 'secret'],
        ['cookie', 'c=1'],
        ['proxy-authorization', 'p'],
        ['x-api-key', 'k'],
        ['x-keep', '1'],
      ],
    ],
    [
      'Headers',
      () =>
        new Headers({
          authorization: 'secret',
          cookie: 'c=1',
          'proxy-authorization': 'p',
          'x-api-key': 'k',
          'x-keep': '1',
        }),
    ],
    [
      'Map',
      () =>
        new Map([
          ['Authorization', 'secret'],
          ['COOKIE', 'c=1'],
          ['Proxy-Authorization', 'p'],
          ['X-API-KEY', 'k'],
          ['X-Keep', '1'],
        ]),
    ],
  ];
  for (const method of methods) {
    it.each(shapes)(`${method}: a cross-origin hop drops credentials given as %s`, async (_shape, headers) => {
      server.route('/away', { type: 'redirect', status: 307, location: `${other.url}/landing` });
      const client = make({ baseUrl: server.url, sensitiveHeaders: ['x-api-key'] });
      const response = await client[method]('/away', { headers: headers() as never });
      expect(response.redirects).toEqual([`${other.url}/landing`]);
      expect(other.stats().byPath['/landing']).toBe(1);
      if (method !== 'head') {
        const echo = await response.json<EchoBody>();
        const names = echo.headers.map(([n]) => n.toLowerCase());
        expect(names).toContain('x-keep');
        for (const secret of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) {
          expect(names).not.toContain(secret);
        }
      }
    });
  }

  it('keeps credentials on a same-origin hop', async () => {
    server.route('/here', { type: 'redirect', location: '/there' });
    const client = make({ baseUrl: server.url });
    const echo = await (await client.get('/here', { headers: { authorization: 'secret' } })).json<EchoBody>();
    expect(echo.headers).toContainEqual(['authorization', 'secret']);
  });

  it('turns a 303 after POST into a GET without body', async () => {
    server.route('/form', { type: 'redirect', status: 303, location: '/result' });
    const client = make({ baseUrl: server.url });
    const echo = await (await client.post('/form', { json: { a: 1 } })).json<EchoBody>();
    expect(echo).toMatchObject({ method: 'GET', url: '/result', body: '' });
  });

  it('replays the body on a 307', async () => {
    server.route('/tmp', { type: 'redirect', status: 307, location: '/final' });
    const client = make({ baseUrl: server.url });
    const echo = await (await client.put('/tmp', { body: 'payload' })).json<EchoBody>();
    expect(echo).toMatchObject({ method: 'PUT', body: 'payload' });
  });

  it('follows a chain of 10 and refuses the 11th hop', async () => {
    server.route('/ten', { type: 'redirect', location: '/end', hops: 10 });
    server.route('/eleven', { type: 'redirect', location: '/end', hops: 11 });
    const client = make({ baseUrl: server.url });
    expect((await client.get('/ten')).redirects).toHaveLength(10);
    const error = await caught(client.get('/eleven'));
    expect(isRedirectError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'too-many-redirects' });
  });

  it('detects a loop', async () => {
    server.route('/loop', { type: 'redirect', location: '/loop' });
    const client = make({ baseUrl: server.url });
    expect(await caught(client.get('/loop'))).toMatchObject({ reason: 'redirect-loop' });
    expect(server.stats().byPath['/loop']).toBe(1);
  });

  it('refuses non-http targets', async () => {
    server.route('/file', { type: 'redirect', location: 'file:///etc/passwd' });
    const client = make({ baseUrl: server.url });
    expect(await caught(client.get('/file'))).toMatchObject({ reason: 'unsupported-protocol' });
  });

  it('returns the 3xx when following is off', async () => {
    server.route('/r', { type: 'redirect', location: '/x' });
    const client = make({ baseUrl: server.url, maxRedirects: 0 });
    const response = await client.get('/r');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/x');
  });

  it('refuses to replay a streamed body on a 307', async () => {
    server.route('/tmp', { type: 'redirect', status: 307, location: '/final' });
    const client = make({ baseUrl: server.url });
    const body = (async function* () {
      yield new TextEncoder().encode('once');
    })();
    expect(await caught(client.post('/tmp', { body }))).toMatchObject({ reason: 'body-not-replayable' });
  });

  it('keeps the size limit across hops', async () => {
    server.route('/r', { type: 'redirect', location: `${other.url}/big` });
    other.route('/big', { type: 'oversized-body', size: 5000 });
    const client = make({ baseUrl: server.url, maxResponseBytes: 1000 });
    expect(await caught(client.get('/r'))).toMatchObject({ code: 'SENTINEL_RESPONSE_TOO_LARGE' });
  });
});
