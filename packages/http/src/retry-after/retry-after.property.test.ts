import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from './retry-after.ts';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);

describe('parseRetryAfter (property)', () => {
  it('is undefined or a whole, non-negative, bounded number of milliseconds for any input', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const ms = parseRetryAfter(value, NOW);
        if (ms !== undefined) {
          expect(Number.isInteger(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(MAX_RETRY_AFTER_SECONDS * 1000);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads any whole number of seconds exactly, up to the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_RETRY_AFTER_SECONDS }), (seconds) => {
        expect(parseRetryAfter(String(seconds), NOW)).toBe(seconds * 1000);
      }),
    );
  });

  it('refuses every non-integer spelling that Number() would accept', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (value) => {
        const text = String(value);
        if (/^\d+$/.test(text)) return;
        expect(parseRetryAfter(text, NOW)).toBeUndefined();
        expect(parseRetryAfter(`0x${Math.abs(Math.trunc(value)).toString(16)}`, NOW)).toBeUndefined();
      }),
    );
  });

  it('turns an IMF-fixdate within the cap into the delay until it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 * 365 }), (offsetSeconds) => {
        const date = new Date(NOW + offsetSeconds * 1000).toUTCString();
        expect(parseRetryAfter(date, NOW)).toBe(Math.max(0, offsetSeconds) * 1000);
      }),
    );
  });
});
