import { describe, expect, it } from 'vitest';
import { nextHop, remaining, retryDelay } from './retry-decision.ts';

const NOW = Date.UTC(2024, 0, 1);

describe('README example', () => {
  it('retries an idempotent 503 after its Retry-After', () => {
    expect(retryDelay('GET', 503, new Headers({ 'retry-after': '3' }), NOW)).toBe(3000);
    expect(retryDelay('POST', 503, new Headers({ 'retry-after': '3' }), NOW)).toBeUndefined();
    expect(retryDelay('GET', 404, new Headers(), NOW)).toBeUndefined();
    expect(retryDelay('GET', 503, new Headers({ 'retry-after': '0x10' }), NOW)).toBe(0);
  });

  it('reads the remaining quota', () => {
    expect(remaining(new Headers({ 'x-ratelimit-remaining': '4' }), NOW)).toBe(4);
  });

  it('strips credentials on a cross-origin redirect', () => {
    expect(nextHop('https://a.test/', 'https://b.test/x', { Authorization: 'secret', accept: '*/*' })).toEqual({
      url: 'https://b.test/x',
      headers: [['accept', '*/*']],
    });
  });
});
