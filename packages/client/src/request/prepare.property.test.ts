import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidRequestError } from '../errors.ts';
import { resolveUrl } from './prepare.ts';

const base = new URL('http://api.test:8080/v1/');
// Characters that matter to URL parsing: slashes both ways, dots, scheme and authority markers.
const tricky = fc.constantFrom(
  '/',
  '\\',
  '.',
  ':',
  '@',
  '?',
  '#',
  '%',
  'a',
  'evil.test',
  'http',
  '//',
  '\\\\',
  '..',
  '%2e',
  '%2f',
);
const input = fc.oneof(
  fc.string(),
  fc.array(tricky, { maxLength: 12 }).map((parts) => parts.join('')),
);

describe('resolveUrl (property)', () => {
  it('never leaves the base origin: it resolves inside it or refuses with InvalidRequestError', () => {
    fc.assert(
      fc.property(input, (text) => {
        try {
          expect(resolveUrl(base, text, false).origin).toBe(base.origin);
        } catch (error) {
          expect(isInvalidRequestError(error)).toBe(true);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('never lets CR, LF, NUL or TAB through to the request line', () => {
    fc.assert(
      fc.property(input, fc.constantFrom('\r', '\n', '\0', '\t'), input, (before, bad, after) => {
        expect(() => resolveUrl(base, `${before}${bad}${after}`, false)).toThrow(
          expect.objectContaining({ code: 'SENTINEL_INVALID_REQUEST' }),
        );
      }),
      { numRuns: 500 },
    );
  });
});
