import type { Random } from '../clock/random.ts';

/**
 * A backoff: a pure function from the attempt number to a delay in milliseconds, so a schedule
 * can be printed and tested without running anything. `attempt` is 1 for the first delay,
 * `previousDelayMs` the delay it returned last time (0 before the first), and `random` the
 * source of jitter. It says nothing about when to stop: that belongs to the policy using it
 * (a retry's `maxAttempts`, a breaker re-opening after failed probes).
 *
 * The shapes and modifiers live in `@sentinel/backoff`; the type lives here so that any policy
 * (a retry, a breaker's growing open period) accepts any backoff without importing another
 * policy package.
 */
export type Backoff = (attempt: number, previousDelayMs: number, random: Random) => number;
