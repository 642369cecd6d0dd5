import { type Backoff, MAX_DELAY_MS, optionChecker } from '@sentinel/core';

/*
 * Modifiers wrap a backoff and return another: they compose freely, e.g.
 * `capped(fullJitter(exponential()), 5_000)`. Each one passes `attempt`, `previousDelayMs` and
 * `random` through to the backoff it wraps, then reshapes its delay.
 */

function checkBackoff(owner: string, backoff: unknown): Backoff {
  return optionChecker(owner).function<Backoff>('backoff', backoff);
}

/**
 * "Full jitter" (AWS Architecture Blog): a delay drawn uniformly from `[0, d)`, where `d` is the
 * wrapped backoff's delay. The best spread for many clients retrying the same server, at the cost
 * of an occasional near-immediate retry.
 *
 * @example
 * delays(fullJitter(exponential({ initialMs: 100 })), 3, { random: constantRandom(0.5) }); // [50, 100, 200]
 */
export function fullJitter(backoff: Backoff): Backoff {
  const inner = checkBackoff('fullJitter', backoff);
  return (attempt, previousDelayMs, random) => random() * inner(attempt, previousDelayMs, random);
}

/**
 * "Equal jitter" (AWS Architecture Blog): half the wrapped delay plus a random part of the other
 * half, i.e. uniform in `[d / 2, d)`. Never retries almost at once, spreads less than full jitter.
 *
 * @example
 * delays(equalJitter(constant(100)), 2, { random: sequenceRandom([0, 0.5]) }); // [50, 75]
 */
export function equalJitter(backoff: Backoff): Backoff {
  const inner = checkBackoff('equalJitter', backoff);
  return (attempt, previousDelayMs, random) => {
    const half = inner(attempt, previousDelayMs, random) / 2;
    return half + random() * half;
  };
}

/**
 * Limits the wrapped backoff's delays to `maxMs`.
 *
 * @example
 * delays(capped(linear({ initialMs: 100, stepMs: 100 }), 250), 4); // [100, 200, 250, 250]
 * @throws ConfigError when `maxMs` is not a finite number >= 0.
 */
export function capped(backoff: Backoff, maxMs: number): Backoff {
  const inner = checkBackoff('capped', backoff);
  const max = optionChecker('capped').duration('maxMs', maxMs, { max: MAX_DELAY_MS });
  return (attempt, previousDelayMs, random) => Math.min(max, inner(attempt, previousDelayMs, random));
}
