import { describe, expect, it } from 'vitest';
import { attributeSet, errorType, methodAttribute, safeUrl, snakeCase } from './attributes.ts';

describe('bounded attributes', () => {
  it.each([
    ['http://127.0.0.1:8080/users/42?token=secret#frag', 'http://127.0.0.1:8080/users/42'],
    ['https://api.test/a#b?c', 'https://api.test/a'],
    ['https://user:pass@api.test/a?x=1', 'https://api.test/a'],
    ['https://api.test/mail/a@b.test', 'https://api.test/mail/a@b.test'],
    ['http://[::1]:9/x', 'http://[::1]:9/x'],
  ])('url.full of %s is %s (no query, fragment or credentials)', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });

  it('methods outside the standard set are _OTHER', () => {
    expect(methodAttribute('GET')).toBe('GET');
    expect(methodAttribute('PURGE')).toBe('_OTHER');
    expect(methodAttribute('get')).toBe('_OTHER');
  });

  it('server address and port come from the origin, with the scheme’s default port', () => {
    expect(attributeSet('GET', 'https://api.test').base).toEqual({
      'http.request.method': 'GET',
      'server.address': 'api.test',
      'server.port': 443,
    });
    expect(attributeSet('POST', 'http://[::1]:8080').base).toMatchObject({
      'server.address': '::1',
      'server.port': 8080,
    });
  });

  it('attribute sets are made once and shared, frozen', () => {
    const set = attributeSet('GET', 'http://h.test');
    expect(attributeSet('GET', 'http://h.test')).toBe(set);
    const failed = set.withStatus(503);
    expect(set.withStatus(503)).toBe(failed);
    expect(Object.isFrozen(failed)).toBe(true);
    expect(failed).toEqual({
      'http.request.method': 'GET',
      'server.address': 'h.test',
      'server.port': 80,
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(set.withStatus(200)).not.toHaveProperty('error.type');
    expect(set.withError('SENTINEL_NETWORK:ECONNRESET')).toEqual({
      ...set.base,
      'error.type': 'SENTINEL_NETWORK:ECONNRESET',
    });
  });

  it('a request span’s attributes are made once per URL, frozen, with url.full stripped', () => {
    const set = attributeSet('GET', 'https://api.test');
    const attributes = set.forRequest('https://api.test/items?token=secret');
    expect(set.forRequest('https://api.test/items?token=secret')).toBe(attributes);
    expect(Object.isFrozen(attributes)).toBe(true);
    expect(attributes).toEqual({ ...set.base, 'url.full': 'https://api.test/items' });
    expect(set.spanName).toBe('HTTP GET');
    expect(attributeSet('PURGE', 'https://api.test').spanName).toBe('HTTP');
  });

  it('caches stay bounded: many URLs or origins never grow them without limit, and answers stay right', () => {
    const set = attributeSet('GET', 'https://many.test');
    const first = set.forRequest('https://many.test/0');
    for (let i = 1; i <= 1_000; i++) set.forRequest(`https://many.test/${i}`);
    // The first entry was dropped with the rest when the cache filled: a new object, equal.
    expect(set.forRequest('https://many.test/0')).not.toBe(first);
    expect(set.forRequest('https://many.test/0')).toEqual(first);
    const origin = attributeSet('GET', 'http://o0.test');
    for (let i = 1; i <= 2_000; i++) attributeSet('GET', `http://o${i}.test`);
    expect(attributeSet('GET', 'http://o0.test')).not.toBe(origin);
    expect(attributeSet('GET', 'http://o0.test').base).toEqual(origin.base);
  });

  it('error.type is a short code, never a message', () => {
    expect(errorType({ code: 'SENTINEL_HTTP_ERROR', status: 503, message: 'GET http://x?token=1 answered 503' })).toBe(
      '503',
    );
    expect(errorType({ code: 'SENTINEL_NETWORK', errorCode: 'ECONNRESET' })).toBe('SENTINEL_NETWORK:ECONNRESET');
    expect(errorType({ code: 'SENTINEL_TIMEOUT', phase: 'headers' })).toBe('SENTINEL_TIMEOUT:headers');
    expect(errorType(new TypeError('boom with details'))).toBe('TypeError');
    expect(errorType('a string')).toBe('_OTHER');
    expect(errorType({ name: 'x'.repeat(100) })).toHaveLength(64);
  });

  it('decision fields become snake_case attribute names', () => {
    expect(snakeCase('retryAfterMs')).toBe('retry_after_ms');
    expect(snakeCase('give-up')).toBe('give_up');
  });
});
