import { describe, expect, it } from 'vitest';
import type { HeadersInit } from '../headers/headers.ts';
import { isSameOrigin, type RedirectDecision, resolveRedirect } from './redirect.ts';

const refused = (decision: RedirectDecision) => (decision.follow ? undefined : decision.reason);

describe('resolveRedirect: where to go', () => {
  it.each<[string, string, string | undefined, string | undefined]>([
    ['a relative path', 'http://a.test/x/y', 'z', 'http://a.test/x/z'],
    ['an absolute path', 'http://a.test/x/y', '/z?q=1', 'http://a.test/z?q=1'],
    ['another origin', 'http://a.test/', 'https://b.test/p', 'https://b.test/p'],
    ['protocol-relative', 'https://a.test/', '//b.test/p', 'https://b.test/p'],
    ['keeps the fragment when the Location has none', 'http://a.test/x#f', '/y', 'http://a.test/y#f'],
    ['takes the Location fragment', 'http://a.test/x#f', '/y#g', 'http://a.test/y#g'],
    ['trims spaces', 'http://a.test/', '  /y ', 'http://a.test/y'],
  ])('%s', (_title, url, location, expected) => {
    const decision = resolveRedirect({ status: 302, method: 'GET', url, location });
    expect(decision.follow && decision.url.href).toBe(expected);
  });

  it.each<[string, number, string, string | undefined, string]>([
    ['a status that is not a redirect', 200, 'http://a.test/', '/x', 'not-a-redirect'],
    ['304', 304, 'http://a.test/', '/x', 'not-a-redirect'],
    ['no Location', 302, 'http://a.test/', undefined, 'missing-location'],
    ['an empty Location', 302, 'http://a.test/', ' ', 'missing-location'],
    ['an unparsable Location', 302, 'http://a.test/', 'http://[::1', 'invalid-location'],
    ['a file: URL', 302, 'http://a.test/', 'file:///etc/passwd', 'unsupported-protocol'],
    ['a data: URL', 302, 'http://a.test/', 'data:text/plain,x', 'unsupported-protocol'],
    ['javascript:', 301, 'http://a.test/', 'javascript:alert(1)', 'unsupported-protocol'],
    ['https to http', 302, 'https://a.test/', 'http://a.test/', 'https-to-http'],
  ])('refuses %s', (_title, status, url, location, reason) => {
    expect(refused(resolveRedirect({ status, method: 'GET', url, location }))).toBe(reason);
  });

  it('follows https to http when allowed', () => {
    const decision = resolveRedirect({
      status: 302,
      method: 'GET',
      url: 'https://a.test/',
      location: 'http://a.test/',
      allowHttpsToHttp: true,
    });
    expect(decision.follow && decision.url.protocol).toBe('http:');
  });
});

describe('resolveRedirect: method and body', () => {
  it.each<[number, string, string, boolean]>([
    [301, 'GET', 'GET', false],
    [301, 'POST', 'GET', false],
    [301, 'PUT', 'PUT', false],
    [302, 'POST', 'GET', false],
    [302, 'DELETE', 'DELETE', false],
    [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false],
    [303, 'PATCH', 'GET', false],
    [303, 'DELETE', 'GET', false],
    [303, 'HEAD', 'HEAD', false],
    [303, 'GET', 'GET', false],
    [307, 'POST', 'POST', true],
    [307, 'PATCH', 'PATCH', true],
    [308, 'PUT', 'PUT', true],
    [308, 'GET', 'GET', true],
  ])('%d after %s → %s, body kept: %s', (status, method, nextMethod, keepBody) => {
    const decision = resolveRedirect({
      status,
      method,
      url: 'http://a.test/',
      location: '/next',
      headers: { 'content-type': 'application/json', 'content-length': '2', accept: '*/*' },
    });
    expect(decision.follow && decision.method).toBe(nextMethod);
    expect(decision.follow && decision.keepBody).toBe(keepBody);
    const names = decision.follow ? decision.headers.map(([n]) => n) : [];
    expect(names.includes('content-type')).toBe(keepBody);
    expect(names).toContain('accept');
  });
});

describe('resolveRedirect: credentials', () => {
  const shapes: [string, HeadersInit][] = [
    ['object', { Authorization: 'a', Cookie: 'c', 'Proxy-Authorization': 'p', 'X-Secret': 's', Accept: '*/*' }],
    [
      'pairs',
      [
        ['authorization', 'a'],
        ['COOKIE', 'c'],
        ['proxy-authorization', 'p'],
        ['x-secret', 's'],
        ['accept', '*/*'],
      ],
    ],
    [
      'Headers',
      new Headers({ authorization: 'a', cookie: 'c', 'proxy-authorization': 'p', 'x-secret': 's', accept: '*/*' }),
    ],
    [
      'Map',
      new Map([
        ['AUTHORIZATION', 'a'],
        ['Cookie', 'c'],
        ['Proxy-Authorization', 'p'],
        ['X-SECRET', 's'],
        ['Accept', '*/*'],
      ]),
    ],
  ];
  const hops: [string, string, boolean][] = [
    ['same origin', 'http://a.test:8080/next', false],
    ['another host', 'http://b.test:8080/next', true],
    ['another port', 'http://a.test:8081/next', true],
    ['another scheme', 'https://a.test:8080/next', true],
    ['a subdomain', 'http://sub.a.test:8080/next', true],
  ];
  for (const [shape, headers] of shapes) {
    it.each(hops)(`${shape} headers, %s`, (_title, location, crossOrigin) => {
      const decision = resolveRedirect({
        status: 307,
        method: 'GET',
        url: 'http://a.test:8080/start',
        location,
        headers,
        sensitiveHeaders: ['X-Secret'],
      });
      expect(decision.follow && decision.crossOrigin).toBe(crossOrigin);
      const names = decision.follow ? decision.headers.map(([n]) => n).sort() : [];
      expect(names).toEqual(
        crossOrigin ? ['accept'] : ['accept', 'authorization', 'cookie', 'proxy-authorization', 'x-secret'],
      );
    });
  }

  it('drops a stale Host header on every hop', () => {
    const decision = resolveRedirect({
      status: 302,
      method: 'GET',
      url: 'http://a.test/',
      location: '/x',
      headers: { Host: 'a.test' },
    });
    expect(decision.follow && decision.headers).toEqual([]);
  });
});

describe('isSameOrigin', () => {
  it.each<[string, string, boolean]>([
    ['http://a.test/x', 'http://a.test:80/y', true],
    ['https://a.test/', 'https://a.test:443/', true],
    ['http://a.test/', 'https://a.test/', false],
    ['http://a.test/', 'http://A.TEST/', true],
    ['http://a.test:1/', 'http://a.test:2/', false],
    ['http://127.0.0.1/', 'http://localhost/', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(isSameOrigin(a, b)).toBe(expected);
    expect(isSameOrigin(new URL(a), new URL(b))).toBe(expected);
  });
});
