import { MAX_DELAY_MS, optionChecker } from '@sentinel/core';

const check = optionChecker('circuitBreaker.trip');

/**
 * Checks `trip(ms, detail)`'s arguments and returns the open period. Kept apart from the breaker
 * so the state machine only gains the transition itself.
 */
export function checkTrip(ms: unknown, detail: unknown): number {
  const openForMs = check.duration('ms', ms, { max: MAX_DELAY_MS });
  if (detail !== undefined && typeof detail !== 'string') check.fail('detail', detail, 'a string or undefined');
  return openForMs + 0; // -0 becomes 0, as JSON would make it
}
