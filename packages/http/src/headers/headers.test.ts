import { describe, expect, it } from 'vitest';
import { CREDENTIAL_HEADERS, isCredentialHeader, stripCredentials, withoutHeaders } from './credentials.ts';
import {
  forEachHeader,
  getHeader,
  type HeadersInit,
  hasForbiddenChars,
  headerEntries,
  isValidHeaderName,
  isValidHeaderValue,
} from './headers.ts';

// The same three headers in every shape the package accepts.
const shapes: [string, HeadersInit][] = [
  ['a plain object', { Authorization: 'Bearer t', 'x-a': '1', COOKIE: 'c=1' }],
  ['an object with array values', { authorization: ['Bearer t'], 'X-A': ['1'], Cookie: ['c=1'] }],
  [
    'array pairs',
    [
      ['AUTHORIZATION', 'Bearer t'],
      ['x-a', '1'],
      ['cookie', 'c=1'],
    ],
  ],
  ['Headers', new Headers({ Authorization: 'Bearer t', 'X-A': '1', Cookie: 'c=1' })],
  [
    'a Map',
    new Map([
      ['Authorization', 'Bearer t'],
      ['x-A', '1'],
      ['CoOkIe', 'c=1'],
    ]),
  ],
];

describe('getHeader', () => {
  it.each(shapes)('reads any letter case from %s', (_title, headers) => {
    expect(getHeader(headers, 'authorization')).toBe('Bearer t');
    expect(getHeader(headers, 'X-A')).toBe('1');
    expect(getHeader(headers, 'missing')).toBeUndefined();
  });

  it.each<[string, HeadersInit | undefined, string | undefined]>([
    [
      'joins repeated pairs',
      [
        ['a', '1'],
        ['A', '2'],
      ],
      '1, 2',
    ],
    ['joins array values', { a: ['1', '2'] }, '1, 2'],
    ['an empty array is absent', { a: [] }, undefined],
    ['undefined values are absent', { a: undefined }, undefined],
    ['null values are absent', { a: null }, undefined],
    ['numbers become strings', { a: 5 }, '5'],
    ['no headers at all', undefined, undefined],
  ])('%s', (_title, headers, expected) => {
    expect(getHeader(headers, 'a')).toBe(expected);
  });
});

describe('headerEntries and forEachHeader', () => {
  it.each(shapes)('lists %s with lower-case names', (_title, headers) => {
    expect(headerEntries(headers).sort()).toEqual([
      ['authorization', 'Bearer t'],
      ['cookie', 'c=1'],
      ['x-a', '1'],
    ]);
  });

  it('passes names as given', () => {
    const names: string[] = [];
    forEachHeader({ 'X-Mixed': 'v' }, (name) => names.push(name));
    expect(names).toEqual(['X-Mixed']);
  });
});

describe('stripCredentials', () => {
  it.each(shapes)('drops authorization and cookie from %s', (_title, headers) => {
    expect(stripCredentials(headers)).toEqual([['x-a', '1']]);
  });

  it.each(shapes)('drops user-declared sensitive headers from %s in any case', (_title, headers) => {
    expect(stripCredentials(headers, ['X-a'])).toEqual([]);
  });

  it('drops proxy-authorization', () => {
    expect(stripCredentials({ 'Proxy-Authorization': 'Basic x', accept: '*/*' })).toEqual([['accept', '*/*']]);
  });

  it('withoutHeaders drops exactly the named headers', () => {
    expect(withoutHeaders({ A: '1', b: '2', c: '3' }, ['a', 'C'])).toEqual([['b', '2']]);
  });
});

describe('isCredentialHeader', () => {
  it.each<[string, readonly string[] | undefined, boolean]>([
    ['Authorization', undefined, true],
    ['COOKIE', undefined, true],
    ['proxy-authorization', undefined, true],
    ['x-api-key', undefined, false],
    ['X-API-Key', ['x-api-key'], true],
    ['x-api-key', ['X-API-KEY'], true],
    ['set-cookie', undefined, false],
  ])('%s (sensitive %j) → %s', (name, sensitive, expected) => {
    expect(isCredentialHeader(name, sensitive)).toBe(expected);
  });

  it('lists the standard credential headers', () => {
    expect(CREDENTIAL_HEADERS).toEqual(['authorization', 'cookie', 'proxy-authorization']);
  });
});

describe('header syntax', () => {
  it.each<[string, boolean]>([
    ['content-type', true],
    ['X-Custom_1', true],
    ['', false],
    ['bad name', false],
    ['bad:name', false],
    ['x\r\ny', false],
    ['x\0', false],
  ])('name %j valid: %s', (name, expected) => {
    expect(isValidHeaderName(name)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['text/plain', true],
    ['', true],
    ['a\tb', true],
    ['a\rb', false],
    ['a\nb', false],
    ['a\r\nX-Injected: 1', false],
    ['a\0b', false],
  ])('value %j valid: %s', (value, expected) => {
    expect(isValidHeaderValue(value)).toBe(expected);
    expect(hasForbiddenChars(value)).toBe(!expected);
  });
});

describe('values of another type than the declared ones (untyped callers)', () => {
  it('reads objects, numbers and array members with String(), as Headers does', () => {
    const seen: [string, string][] = [];
    const headers = {
      'x-object': { toString: () => 'from-object' },
      'x-number': 42,
      'x-array': [1, { toString: () => 'two' }],
    } as unknown as HeadersInit;
    forEachHeader(headers, (name, value) => seen.push([name, value]));
    expect(seen).toEqual([
      ['x-object', 'from-object'],
      ['x-number', '42'],
      ['x-array', '1, two'],
    ]);
    expect(getHeader(headers, 'X-OBJECT')).toBe('from-object');
  });

  it('a toString that throws is a TypeError naming the header, with the cause kept', () => {
    const boom = new Error('lying toString');
    const headers = {
      'x-hostile': {
        toString: () => {
          throw boom;
        },
      },
    } as unknown as HeadersInit;
    let caught: unknown;
    try {
      forEachHeader(headers, () => {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as TypeError).message).toBe('header "x-hostile": its value cannot be read as a string');
    expect((caught as TypeError).cause).toBe(boom);
  });
});
