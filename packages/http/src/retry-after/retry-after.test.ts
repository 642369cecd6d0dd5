import { describe, expect, it } from 'vitest';
import { parseHttpDate } from './http-date.ts';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from './retry-after.ts';

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0); // Mon, 15 Jan 2024 12:00:00 GMT
const MAX_MS = MAX_RETRY_AFTER_SECONDS * 1000;

describe('parseRetryAfter', () => {
  it.each<[string, string | null | undefined, number | undefined]>([
    ['whole seconds', '120', 120_000],
    ['zero', '0', 0],
    ['leading zeros are decimal, not octal', '010', 10_000],
    ['surrounding spaces', '  5 ', 5_000],
    ['99999999 seconds stays what it says', '99999999', 99_999_999_000],
    ['a value above the cap is clamped', '9999999999', MAX_MS],
    ['more digits than a double holds', '123456789012345678901234567890', MAX_MS],
    ['hexadecimal', '0x10', undefined],
    ['exponent', '1e3', undefined],
    ['fraction', '1.5', undefined],
    ['negative', '-1', undefined],
    ['plus sign', '+5', undefined],
    ['Infinity', 'Infinity', undefined],
    ['NaN', 'NaN', undefined],
    ['digits then text', '5 seconds', undefined],
    ['comma list', '5, 10', undefined],
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['undefined', undefined, undefined],
    ['null', null, undefined],
    ['IMF-fixdate in 30 s', 'Mon, 15 Jan 2024 12:00:30 GMT', 30_000],
    ['IMF-fixdate in the past', 'Mon, 15 Jan 2024 11:00:00 GMT', 0],
    ['RFC 850 date', 'Monday, 15-Jan-24 12:01:00 GMT', 60_000],
    ['asctime date', 'Mon Jan 15 12:00:10 2024', 10_000],
    ['asctime with a one-digit day', 'Tue Jan  2 12:00:00 2024', 0],
    ['a date far in the future is clamped', 'Mon, 01 Jan 9999 00:00:00 GMT', MAX_MS],
    ['a bare year that Date.parse accepts', '2024', 2024_000],
    ['an ISO date that Date.parse accepts', '2024-01-15T12:00:30Z', undefined],
    ['a date without a zone', 'Mon, 15 Jan 2024 12:00:30', undefined],
    ['a date in another zone', 'Mon, 15 Jan 2024 12:00:30 +0100', undefined],
    ['lower-case GMT', 'Mon, 15 Jan 2024 12:00:30 gmt', undefined],
    ['31 February', 'Sat, 31 Feb 2024 12:00:00 GMT', undefined],
    ['hour 24', 'Mon, 15 Jan 2024 24:00:00 GMT', undefined],
    ['minute 60', 'Mon, 15 Jan 2024 12:60:00 GMT', undefined],
    ['an unknown month', 'Mon, 15 Foo 2024 12:00:00 GMT', undefined],
  ])('%s: %j', (_title, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseHttpDate', () => {
  it.each<[string, number | undefined]>([
    ['Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Thu, 29 Feb 2024 00:00:00 GMT', Date.UTC(2024, 1, 29)],
    ['Thu, 29 Feb 2023 00:00:00 GMT', undefined],
    ['Sun, 6 Nov 1994 08:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 8:49:37 GMT', undefined],
    ['Sunday, 06 Nov 1994 08:49:37 GMT', undefined],
    ['Sun, 00 Nov 1994 08:49:37 GMT', undefined],
    ['Sun, 06 Nov 1994 08:49:60 GMT', Date.UTC(1994, 10, 6, 8, 50, 0)],
  ])('%j', (value, expected) => {
    expect(parseHttpDate(value, NOW)).toBe(expected);
  });

  it.each([
    ['a two-digit year at most 50 years ahead stays in this century', 'Friday, 01-Jan-60 00:00:00 GMT', 2060],
    ['a two-digit year more than 50 years ahead is last century', 'Tuesday, 01-Jan-80 00:00:00 GMT', 1980],
  ])('%s', (_title, value, year) => {
    expect(new Date(parseHttpDate(value, NOW) ?? Number.NaN).getUTCFullYear()).toBe(year);
  });
});
