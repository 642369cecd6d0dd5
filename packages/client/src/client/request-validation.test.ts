import type { ChaosServer, EchoBody } from '@sentinel/chaos';
import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { isInvalidRequestError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { type Client, createClient } from './client.ts';
import type { RequestOptions } from './options.ts';

let server: ChaosServer;
let client: Client;
useChaosServers(1, ([started], make) => {
  server = started;
  client = make({ baseUrl: server.url });
});

// Number-like objects as JavaScript code passes them: a wrapper, and two hostile ones.
const throwing = {
  toString(): string {
    throw new Error('no string for you');
  },
};
const crlf = { toString: () => '1\r\nX-Injected: yes' };
const nul = { valueOf: () => 7, toString: () => 'a\0b' };

/** Runs a request that must be refused: an InvalidRequestError (never a bare TypeError), nothing sent. */
async function refused(send: () => Promise<unknown>): Promise<{ part: string; message: string }> {
  const error = await caught(send());
  expect(error).toBeDefined();
  expect(isInvalidRequestError(error)).toBe(true);
  expect(server.stats().requests).toBe(0);
  return error as { part: string; message: string };
}

describe('header values of any type (regression: "value.join is not a function")', () => {
  it.each<[string, unknown]>([
    ['a toString that throws', throwing],
    ['a toString returning CR/LF', crlf],
    ['a toString returning NUL', nul],
    ['an array holding a hostile value', ['ok', throwing]],
    ['an array holding CR/LF after conversion', [1, crlf]],
    ['an array holding null', ['a', null]],
  ])('%s: InvalidRequestError naming the header, nothing sent', async (_, value) => {
    const error = await refused(() => client.get('/x', { headers: { 'X-Count': value } as never }));
    expect(error.part).toBe('header-value');
    expect(error.message).toContain('"X-Count"');
  });

  it('the same in a Map, in pairs, in the client defaults and with a FormData body', async () => {
    expect((await refused(() => client.get('/x', { headers: new Map([['x-a', crlf]]) as never }))).part).toBe(
      'header-value',
    );
    expect((await refused(() => client.get('/x', { headers: [['x-a', throwing]] as never }))).part).toBe(
      'header-value',
    );
    const form = new FormData();
    form.set('a', 'b');
    const withForm = await refused(() => client.post('/x', { body: form, headers: { 'x-a': crlf } as never }));
    expect(withForm.message).toContain('"x-a"');
    expect(() => createClient({ headers: { 'x-a': throwing } as never })).toThrow(/"headers"/);
    let error: unknown;
    try {
      createClient({ headers: { 'x-a': crlf } as never });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
  });

  it('malformed header shapes are refused by name, not with a TypeError', async () => {
    expect((await refused(() => client.get('/x', { headers: 'x-a: 1' as never }))).part).toBe('headers');
    expect((await refused(() => client.get('/x', { headers: 42 as never }))).part).toBe('headers');
    expect((await refused(() => client.get('/x', { headers: [['x-a']] as never }))).part).toBe('headers');
    expect((await refused(() => client.get('/x', { headers: [[1, 'v']] as never }))).part).toBe('header-name');
  });

  it('numbers, booleans and plain number-like objects are sent as String(value); arrays are joined', async () => {
    const headers = {
      'x-number': 42,
      'x-bool': true,
      'x-wrapper': Object(7),
      'x-like': { toString: () => 'like' },
      'x-list': [1, 'two', { toString: () => 'three' }],
    };
    const echo = await (await client.get('/echo', { headers: headers as never })).json<EchoBody>();
    const received = Object.fromEntries(echo.headers.map(([name, value]) => [name.toLowerCase(), value]));
    expect(received).toMatchObject({
      'x-number': '42',
      'x-bool': 'true',
      'x-wrapper': '7',
      'x-like': 'like',
      'x-list': '1, two, three',
    });
  });
});

describe('other request fields, as a user may get them wrong', () => {
  it.each<[string, string, () => Promise<unknown>]>([
    ['a method that is a number', 'method', () => client.request(42 as never, '/x')],
    ['a method with a space', 'method', () => client.request('GE T', '/x')],
    ['a URL that is a number', 'url', () => client.get(42 as never)],
    ['a URL that is undefined', 'url', () => client.get(undefined as never)],
    ['a URL that is a plain object', 'url', () => client.get({ href: '/x' } as never)],
    ['a query that is null', 'query', () => client.get('/x', { query: null as never })],
    ['a query that is a string', 'query', () => client.get('/x', { query: 'a=1' as never })],
    ['a query value that is an object', 'query', () => client.get('/x', { query: { a: {} } as never })],
    ['a query value that is a symbol', 'query', () => client.get('/x', { query: { a: Symbol('s') } as never })],
    [
      'a query array holding a hostile value',
      'query',
      () => client.get('/x', { query: { a: [1, throwing] } as never }),
    ],
    ['a body that is a number', 'body', () => client.post('/x', { body: 42 as never })],
    ['a body that is a plain object', 'body', () => client.post('/x', { body: { a: 1 } as never })],
    ['json holding a BigInt', 'body', () => client.post('/x', { json: { n: 1n } })],
    ['json holding a cycle', 'body', () => client.post('/x', { json: cyclic() })],
    ['options that are null', 'options', () => client.get('/x', null as never)],
    ['options that are a string', 'options', () => client.get('/x', 'fast' as never)],
    ['a signal that is not an AbortSignal', 'options', () => client.get('/x', { signal: 'stop' as never })],
    ['stream: "yes"', 'options', () => client.get('/x', { stream: 'yes' as never })],
    ['throwOnHttpError: "no"', 'options', () => client.get('/x', { throwOnHttpError: 'no' as never })],
    ['idempotencyKey: 5', 'options', () => client.post('/x', { idempotencyKey: 5 as never })],
    ['maxResponseBytes: "1mb"', 'options', () => client.get('/x', { maxResponseBytes: '1mb' as never })],
  ])('%s: InvalidRequestError (%s), nothing sent', async (_, part, send) => {
    expect((await refused(send)).part).toBe(part);
  });

  it('timeouts of the wrong type: a ConfigError naming the option, nothing sent', async () => {
    for (const timeouts of [5, { totalMs: 'soon' }, { connectMs: 5 }] as RequestOptions['timeouts'][]) {
      const error = await caught(client.get('/x', { timeouts: timeouts as never }));
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toMatch(/timeouts/);
    }
    expect(server.stats().requests).toBe(0);
  });

  it('query values of every supported type, and URLSearchParams, reach the server', async () => {
    const echo = await (
      await client.get('/q', { query: { a: 1, b: true, c: 2n, d: ['x', 3], e: null, f: undefined } as never })
    ).json<EchoBody>();
    expect(echo.url).toBe('/q?a=1&b=true&c=2&d=x&d=3');
    const params = new URLSearchParams([
      ['k', 'v'],
      ['k', 'w'],
    ]);
    expect((await (await client.get('/q', { query: params })).json<EchoBody>()).url).toBe('/q?k=v&k=w');
  });

  it('an already-aborted signal rejects with its reason and sends nothing', async () => {
    const reason = new Error('gave up before starting');
    const error = await caught(client.get('/x', { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    const withBody = await caught(client.post('/x', { json: { a: 1 }, signal: AbortSignal.abort(reason) }));
    expect(withBody).toBe(reason);
    expect(server.stats().requests).toBe(0);
    expect(client.status().inFlight).toBe(0);
  });
});

function cyclic(): unknown {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
