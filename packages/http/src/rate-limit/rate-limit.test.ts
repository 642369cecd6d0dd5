import { describe, expect, it } from 'vitest';
import type { HeadersInit } from '../headers/headers.ts';
import { parseRateLimit, type RateLimitInfo } from './rate-limit.ts';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const NOW_S = NOW / 1000;

describe('parseRateLimit', () => {
  it.each<[string, HeadersInit | undefined, RateLimitInfo | undefined]>([
    [
      'draft 08 structured fields with a policy',
      { RateLimit: '"default";r=50;t=30', 'RateLimit-Policy': '"default";q=100;w=60' },
      { limit: 100, remaining: 50, resetMs: 30_000, windowMs: 60_000, policy: 'default', source: 'ratelimit' },
    ],
    [
      'draft 08 with several policies picks the fewest remaining',
      {
        ratelimit: '"burst";r=9;t=1, "day";r=2;t=3600',
        'ratelimit-policy': '"burst";q=10;w=1, "day";q=1000;w=86400',
      },
      { limit: 1000, remaining: 2, resetMs: 3_600_000, windowMs: 86_400_000, policy: 'day', source: 'ratelimit' },
    ],
    [
      'draft 08 without a policy header',
      { ratelimit: '"p";r=0;t=5' },
      { remaining: 0, resetMs: 5_000, policy: 'p', source: 'ratelimit' },
    ],
    [
      'draft 07 combined field',
      { RateLimit: 'limit=100, remaining=7, reset=12', 'RateLimit-Policy': '100;w=60' },
      { limit: 100, remaining: 7, resetMs: 12_000, windowMs: 60_000, source: 'ratelimit' },
    ],
    [
      'draft 06 separate fields',
      new Headers({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '3' }),
      { limit: 10, remaining: 0, resetMs: 3_000, source: 'ratelimit' },
    ],
    [
      'X-RateLimit with delta seconds',
      [
        ['X-RateLimit-Limit', '60'],
        ['X-RateLimit-Remaining', '1'],
        ['X-RateLimit-Reset', '20'],
      ],
      { limit: 60, remaining: 1, resetMs: 20_000, source: 'x-ratelimit' },
    ],
    [
      'X-RateLimit with an epoch reset (GitHub)',
      new Map([
        ['x-ratelimit-remaining', '0'],
        ['x-ratelimit-reset', String(NOW_S + 90)],
      ]),
      { remaining: 0, resetMs: 90_000, source: 'x-ratelimit' },
    ],
    [
      'X-RateLimit with an epoch reset in the past',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW_S - 90) },
      { remaining: 0, resetMs: 0, source: 'x-ratelimit' },
    ],
    [
      'RateLimit wins over X-RateLimit',
      { 'ratelimit-remaining': '5', 'x-ratelimit-remaining': '9' },
      { remaining: 5, source: 'ratelimit' },
    ],
    ['hexadecimal is rejected', { 'x-ratelimit-remaining': '0x10' }, undefined],
    ['exponents are rejected', { 'x-ratelimit-remaining': '1e3' }, undefined],
    ['negatives are rejected', { 'x-ratelimit-remaining': '-1' }, undefined],
    [
      'a bad field does not hide good ones',
      { 'x-ratelimit-remaining': 'lots', 'x-ratelimit-limit': '10' },
      { limit: 10, source: 'x-ratelimit' },
    ],
    ['too many digits are rejected', { 'x-ratelimit-remaining': '1234567890123456' }, undefined],
    ['no rate-limit headers', { 'content-type': 'text/plain' }, undefined],
    ['no headers', undefined, undefined],
    ['a garbage RateLimit field', { ratelimit: 'nonsense' }, undefined],
  ])('%s', (_title, headers, expected) => {
    expect(parseRateLimit(headers, NOW)).toEqual(expected);
  });
});
