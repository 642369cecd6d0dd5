import { describe, expect, it } from 'vitest';
import { isInvalidRequestError } from '../errors.ts';
import { prepareBody, prepareHeaders, resolveUrl } from './prepare.ts';

const base = new URL('http://api.test:8080/v1');

function outcome(run: () => unknown): string {
  try {
    const value = run();
    return value instanceof URL ? value.href : JSON.stringify(value);
  } catch (error) {
    return isInvalidRequestError(error) ? `refused:${error.part}` : `threw:${String(error)}`;
  }
}

describe('resolveUrl with a baseUrl', () => {
  it.each<[string, string]>([
    ['users', 'http://api.test:8080/v1/users'],
    ['/users', 'http://api.test:8080/v1/users'],
    ['users?x=1', 'http://api.test:8080/v1/users?x=1'],
    ['', 'http://api.test:8080/v1/'],
    ['http://evil.test/x', 'refused:url'],
    ['HTTPS://evil.test/x', 'refused:url'],
    ['//evil.test/x', 'refused:url'],
    ['/\\evil.test/x', 'refused:url'],
    ['\\\\evil.test/x', 'refused:url'],
    ['javascript:alert(1)', 'refused:url'],
    ['http://api.test:8080/v1/same-origin-but-absolute', 'refused:url'],
    ['../../admin', 'http://api.test:8080/admin'],
    ['users\r\nX-Injected: 1', 'refused:url'],
    ['users\0', 'refused:url'],
    ['us\ters', 'refused:url'],
  ])('%j → %s', (input, expected) => {
    expect(outcome(() => resolveUrl(base, input, false))).toBe(expected);
  });

  it.each<[string, string]>([
    ['http://other.test/x', 'http://other.test/x'],
    ['//other.test/x', 'http://other.test/x'],
    ['users', 'http://api.test:8080/v1/users'],
    ['ftp://other.test/x', 'refused:url'],
  ])('with allowAbsoluteUrls %j → %s', (input, expected) => {
    expect(outcome(() => resolveUrl(base, input, true))).toBe(expected);
  });

  it('never lets a URL object escape the base origin', () => {
    expect(outcome(() => resolveUrl(base, new URL('http://evil.test/'), false))).toBe('refused:url');
  });
});

describe('resolveUrl without a baseUrl', () => {
  it.each<[string, string]>([
    ['http://a.test/x', 'http://a.test/x'],
    ['https://a.test/x', 'https://a.test/x'],
    ['/relative', 'refused:url'],
    ['file:///etc/passwd', 'refused:url'],
    ['http://user:pw@a.test/', 'refused:url'],
    ['http://a.test/\n', 'refused:url'],
  ])('%j → %s', (input, expected) => {
    expect(outcome(() => resolveUrl(undefined, input, false))).toBe(expected);
  });

  it('appends a query object: arrays repeat, null and undefined are skipped', () => {
    const url = resolveUrl(undefined, 'http://a.test/x?k=0', false, { a: 1, b: [true, 'z'], c: null, d: undefined });
    expect(url.search).toBe('?k=0&a=1&b=true&b=z');
  });
});

describe('prepareHeaders', () => {
  it.each<[string, string, unknown, string]>([
    ['a CR in a value', 'GET', { 'x-a': 'a\rb' }, 'refused:header-value'],
    ['a LF in a value', 'GET', [['x-a', 'a\nb']], 'refused:header-value'],
    ['a NUL in a value', 'GET', new Headers([['x-a', 'ok']]), '[["x-a","ok"]]'],
    ['CRLF in a Map value', 'GET', new Map([['x-a', 'v\r\nX-Evil: 1']]), 'refused:header-value'],
    ['a space in a name', 'GET', { 'x a': 'v' }, 'refused:header-name'],
    ['CRLF in a name', 'GET', { 'x\r\na': 'v' }, 'refused:header-name'],
    ['CRLF in the method', 'GE\r\nT', {}, 'refused:method'],
    ['a space in the method', 'GET /x', {}, 'refused:method'],
    [
      'mixed case names merge',
      'GET',
      [
        ['X-A', '1'],
        ['x-a', '2'],
      ],
      '[["x-a","1, 2"]]',
    ],
  ])('%s → %s', (_title, method, headers, expected) => {
    expect(outcome(() => prepareHeaders(method, [], headers as never))).toBe(expected);
  });

  it('lets request headers replace defaults by name, in any case', () => {
    expect(
      prepareHeaders(
        'GET',
        [
          ['accept', 'a/b'],
          ['x-keep', '1'],
        ],
        { Accept: 'c/d' },
      ),
    ).toEqual([
      ['accept', 'c/d'],
      ['x-keep', '1'],
    ]);
  });
});

describe('prepareBody', () => {
  it.each<[string, unknown, unknown, boolean, string | undefined, boolean]>([
    ['json', undefined, { a: 1 }, true, 'application/json', true],
    ['a string', 'x', undefined, false, 'text/plain;charset=UTF-8', true],
    ['bytes', new Uint8Array([1]), undefined, false, undefined, true],
    ['an ArrayBuffer', new ArrayBuffer(2), undefined, false, undefined, true],
    [
      'URLSearchParams',
      new URLSearchParams({ a: '1' }),
      undefined,
      false,
      'application/x-www-form-urlencoded;charset=UTF-8',
      true,
    ],
    ['an async iterable', (async function* () {})(), undefined, false, undefined, false],
    ['nothing', undefined, undefined, false, undefined, true],
  ])('%s', (_title, body, json, hasJson, type, replayable) => {
    const headers: [string, string][] = [];
    const prepared = prepareBody(headers, body as never, json, hasJson);
    expect(prepared.replayable).toBe(replayable);
    expect(headers.find(([n]) => n === 'content-type')?.[1]).toBe(type);
  });

  it('refuses body and json together, and values JSON cannot encode', () => {
    expect(outcome(() => prepareBody([], 'x', 1, true))).toBe('refused:body');
    expect(outcome(() => prepareBody([], undefined, () => 1, true))).toBe('refused:body');
    expect(outcome(() => prepareBody([], 42 as never, undefined, false))).toBe('refused:body');
  });

  it('keeps a content-type the caller set', () => {
    const headers: [string, string][] = [['content-type', 'application/vnd.x+json']];
    prepareBody(headers, undefined, {}, true);
    expect(headers).toEqual([['content-type', 'application/vnd.x+json']]);
  });
});
