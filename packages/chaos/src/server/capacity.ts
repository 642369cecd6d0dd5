import { optionChecker } from '@sentinel/core';

/**
 * A server that can serve only so many requests at once: while `maxInFlight` requests are being
 * served, every other request is answered at once with `status` (an overloaded service shedding
 * load), before any route's faults are consulted. Set it with the `capacity` option or at run
 * time with `server.setCapacity()`.
 */
export interface Capacity {
  /** Requests served at once; more are refused. An integer >= 0 (0 refuses everything). */
  readonly maxInFlight: number;
  /**
   * The status of a refusal.
   * @default 503
   */
  readonly status?: number;
  /**
   * Sent verbatim as `Retry-After` with a refusal.
   * @default undefined (no Retry-After)
   */
  readonly retryAfter?: string;
}

const check = optionChecker('startChaosServer');

/** Validates a capacity where it is set, so a typo fails in the test that wrote it. */
export function validateCapacity(capacity: Capacity, name: string): Capacity {
  const value = check.options(capacity, ['maxInFlight', 'status', 'retryAfter']);
  const maxInFlight = check.integer(`${name}.maxInFlight`, value.maxInFlight, { min: 0 });
  const status = check.integer(`${name}.status`, value.status, { min: 100, max: 599 }, 503);
  if (value.retryAfter !== undefined && (typeof value.retryAfter !== 'string' || /[\r\n]/.test(value.retryAfter))) {
    check.fail(`${name}.retryAfter`, value.retryAfter, 'a header value (a string without CR or LF)');
  }
  return Object.freeze({
    maxInFlight,
    status,
    ...(value.retryAfter === undefined ? {} : { retryAfter: value.retryAfter }),
  });
}

/** The headers of a refusal. */
export function refusalHeaders(capacity: Capacity): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (capacity.retryAfter !== undefined) headers['retry-after'] = capacity.retryAfter;
  return headers;
}
