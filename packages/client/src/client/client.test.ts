import { Readable } from 'node:stream';
import type { ChaosServer, EchoBody } from '@sentinel/chaos';
import { describe, expect, it } from 'vitest';
import { isHttpError } from '../errors.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import type { Client } from './client.ts';

let server: ChaosServer;
let client: Client;
useChaosServers(1, ([started], make) => {
  server = started;
  client = make({ baseUrl: server.url });
});

describe('createClient: basics', () => {
  it('sends a GET and buffers the response', async () => {
    const response = await client.get('/hello', { query: { a: 1, b: ['x', 'y'], skip: undefined } });
    const echo = await response.json<EchoBody>();
    expect(response.status).toBe(200);
    expect(echo.method).toBe('GET');
    expect(echo.url).toBe('/hello?a=1&b=x&b=y');
    expect(response.attempts).toBe(1);
    expect(response.redirects).toEqual([]);
    expect(response.url).toBe(`${server.url}/hello?a=1&b=x&b=y`);
    expect(response.timings.headersMs).toBeGreaterThanOrEqual(0);
  });

  it('sends JSON, strings and bytes', async () => {
    const json = await (await client.post('/j', { json: { a: 1 } })).json<EchoBody>();
    expect(json.body).toBe('{"a":1}');
    expect(json.headers).toContainEqual(['content-type', 'application/json']);
    const text = await (await client.put('/t', { body: 'plain' })).json<EchoBody>();
    expect(text.body).toBe('plain');
    const bytes = await (await client.patch('/b', { body: new Uint8Array([104, 105]) })).json<EchoBody>();
    expect(bytes.body).toBe('hi');
  });

  it('sends form data, URLSearchParams, streams and async iterables', async () => {
    const form = new FormData();
    form.append('field', 'value');
    const multipart = await (await client.post('/f', { body: form })).json<EchoBody>();
    expect(multipart.body).toContain('name="field"');
    expect(multipart.headers.find(([n]) => n === 'content-type')?.[1]).toMatch(/^multipart\/form-data; boundary=/);
    const urlencoded = await (
      await client.post('/u', { body: new URLSearchParams({ a: '1', b: 'x y' }) })
    ).json<EchoBody>();
    expect(urlencoded.body).toBe('a=1&b=x+y');
    const streamed = await (
      await client.post('/s', { body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]) })
    ).json<EchoBody>();
    expect(streamed.body).toBe('abcd');
    const iterable = (async function* () {
      yield new TextEncoder().encode('it');
    })();
    expect((await (await client.put('/i', { body: iterable })).json<EchoBody>()).body).toBe('it');
    const blob = await (
      await client.post('/b', { body: new Blob(['{"b":1}'], { type: 'application/json' }) })
    ).json<EchoBody>();
    expect(blob.body).toBe('{"b":1}');
    expect(blob.headers).toContainEqual(['content-type', 'application/json']);
  });

  it('sends every method helper with its method', async () => {
    for (const method of ['get', 'options', 'delete', 'post', 'put', 'patch'] as const) {
      const echo = await (await client[method]('/m')).json<EchoBody>();
      expect(echo.method).toBe(method.toUpperCase());
    }
    expect((await client.request('PROPFIND', '/m').then((r) => r.json<EchoBody>())).method).toBe('PROPFIND');
  });

  it('throws HttpError for a 404 by default', async () => {
    server.route('/missing', { type: 'status', status: 404, body: 'not here' });
    const error = await client.get('/missing').catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, bodyExcerpt: 'not here', attempts: 1 });
  });
});
