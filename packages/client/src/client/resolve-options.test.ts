import { describe, expect, it } from 'vitest';
import { resolveClientOptions } from './resolve-options.ts';

describe('baseUrl parsing', () => {
  it('clients given the same baseUrl string share one parsed URL (a pool of workers holds one, not one each)', () => {
    const a = resolveClientOptions({ baseUrl: 'http://127.0.0.1:4000/api?x=1#top' }).baseUrl;
    const b = resolveClientOptions({ baseUrl: 'http://127.0.0.1:4000/api?x=1#top' }).baseUrl;
    expect(a).toBe(b);
    expect(a?.href).toBe('http://127.0.0.1:4000/api'); // query and fragment dropped, as before
    expect(resolveClientOptions({ baseUrl: 'http://127.0.0.1:4001/api' }).baseUrl).not.toBe(a);
  });

  it('a URL object is copied, never kept: the caller may change theirs afterwards', () => {
    const mine = new URL('http://127.0.0.1:4000/v1');
    const base = resolveClientOptions({ baseUrl: mine }).baseUrl;
    expect(base).not.toBe(mine);
    mine.pathname = '/v2';
    expect(base?.href).toBe('http://127.0.0.1:4000/v1');
  });

  it('stays right past the cache bound (many distinct bases), and bad bases still fail', () => {
    for (let port = 5000; port < 5200; port++) {
      expect(resolveClientOptions({ baseUrl: `http://127.0.0.1:${port}` }).baseUrl?.port).toBe(String(port));
    }
    expect(() => resolveClientOptions({ baseUrl: 'ftp://127.0.0.1' })).toThrow(/baseUrl/);
    expect(() => resolveClientOptions({ baseUrl: 'ftp://127.0.0.1' })).toThrow(/baseUrl/); // not cached
  });
});
