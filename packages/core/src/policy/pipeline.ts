import type { Clock } from '../clock/clock.ts';
import { optionChecker } from '../options/option-checker.ts';
import { timeout } from '../timeout/timeout.ts';
import { type ComposedPolicy, compose } from './compose.ts';
import type { Policy } from './policy.ts';

/** The named layers of a resilient call; every one is optional. */
export interface PipelineOptions {
  /** Outermost: runs the whole stack again on a retryable failure. */
  readonly retry?: Policy | undefined;
  /**
   * Runs attempts in parallel (a `hedge()` from `@sentinel/backoff`), inside the retry and
   * outside the breaker and the limiter, so every hedged attempt is admitted and judged.
   */
  readonly hedge?: Policy | undefined;
  /** Refuses calls fast while the dependency is failing; sees every attempt. */
  readonly breaker?: Policy | undefined;
  /** Admits attempts at the rate the dependency allows. */
  readonly rateLimit?: Policy | undefined;
  /** Any other policies, run per attempt after admission (a bulkhead, chaos, logging), in order. */
  readonly policies?: readonly Policy[] | undefined;
  /** Per-attempt deadline: milliseconds (made into `timeout({ ms, clock })`) or a policy. */
  readonly timeout?: number | Policy | undefined;
  /** The clock for a `timeout` given in milliseconds. @default systemClock */
  readonly clock?: Clock | undefined;
}

const check = optionChecker('pipeline');
const KNOWN = ['retry', 'hedge', 'breaker', 'rateLimit', 'policies', 'timeout', 'clock'];

/**
 * Composes the named layers in the order that makes each one see what it should:
 * retry → hedge → circuit breaker → rate limiter → `policies` → per-attempt timeout → the work.
 *
 * - the retry is outermost, so a retried attempt passes the breaker and the limiter again;
 * - a hedge sits inside the retry and outside the breaker and the limiter, so each of its parallel
 *   attempts takes a permit and is judged by the breaker, and a call it gave up on may be retried;
 * - the breaker sits outside the limiter, so an open circuit does not spend rate-limit tokens;
 * - the timeout is innermost, so it bounds one attempt, not the backoff waits between attempts
 *   (wrap the result in another `timeout` for a whole-call deadline).
 *
 * Layers left out are skipped; `.policies` shows what was composed, in order.
 *
 * @throws ConfigError when a layer is not a policy or the timeout is not a valid duration.
 */
export function pipeline(options: PipelineOptions = {}): ComposedPolicy {
  const opts = check.options(options, KNOWN);
  const layers: Policy[] = [];
  for (const name of ['retry', 'hedge', 'breaker', 'rateLimit'] as const) {
    const layer = opts[name];
    if (layer !== undefined) layers.push(checkPolicy(name, layer));
  }
  if (opts.policies !== undefined) {
    if (!Array.isArray(opts.policies)) check.fail('policies', opts.policies, 'an array of policies');
    opts.policies.forEach((policy, index) => {
      layers.push(checkPolicy(`policies[${index}]`, policy));
    });
  }
  if (opts.timeout !== undefined) {
    layers.push(
      typeof opts.timeout === 'number'
        ? timeout({ ms: opts.timeout, clock: opts.clock })
        : checkPolicy('timeout', opts.timeout),
    );
  }
  return compose(...layers);
}

function checkPolicy(name: string, value: unknown): Policy {
  return typeof (value as Partial<Policy> | null)?.execute === 'function'
    ? (value as Policy)
    : check.fail(name, value, 'a policy (an object with an execute method)');
}
