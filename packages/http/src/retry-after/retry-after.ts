import { parseHttpDate } from './http-date.ts';

/**
 * The largest wait {@link parseRetryAfter} reports, in seconds (about 31.7 years). Longer
 * delta-seconds are clamped to it rather than turned into imprecise floating-point numbers: the
 * server said "much later", and a caller with any sane maximum wait refuses it either way.
 */
export const MAX_RETRY_AFTER_SECONDS = 1_000_000_000;

// delta-seconds = 1*DIGIT. Not Number(): it accepts "0x10", "1e3", " 12 ", "+5", "1.5" and "".
const DELTA_SECONDS = /^\d+$/;

/**
 * Parses a `Retry-After` value into the wait it asks for, in milliseconds, or `undefined` when it
 * is absent or malformed.
 *
 * Accepted: whole non-negative seconds (`"120"`, leading zeros allowed) and an HTTP-date in any of
 * the three RFC 9110 formats; surrounding spaces are ignored. A date in the past means "now" (0).
 * Rejected: `"0x10"`, `"1e3"`, `"1.5"`, `"-1"`, `"+5"`, `"Infinity"`, and anything `Date.parse`
 * would guess at. Values above {@link MAX_RETRY_AFTER_SECONDS} are clamped to it.
 *
 * @param value - the header value (the first one, when several were sent).
 * @param now - the current time in epoch milliseconds, used for HTTP-dates; pass it in so the
 *   function stays pure and testable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (DELTA_SECONDS.test(text)) {
    // Digits beyond what a double holds exactly are "a very long time", not a precise number.
    const seconds = text.length > 10 ? MAX_RETRY_AFTER_SECONDS : Number(text);
    return Math.min(seconds, MAX_RETRY_AFTER_SECONDS) * 1000;
  }
  const date = parseHttpDate(text, now);
  if (date === undefined) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_SECONDS * 1000);
}
