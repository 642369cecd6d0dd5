import { type Backoff, optionChecker, type Random } from '@sentinel/core';

/** Options of {@link delays}. */
export interface DelaysOptions {
  /**
   * The jitter source handed to the backoff; pass `sequenceRandom` / `constantRandom` from
   * `@sentinel/core/testing` for a reproducible sequence.
   * @default systemRandom
   */
  readonly random?: Random | undefined;
}

const check = optionChecker('delays');

/**
 * The first `n` delays of `backoff`, in milliseconds, exactly as a retry would compute them
 * (attempt 1 first, each call given the delay the previous one returned). For tests, READMEs,
 * and for checking a schedule before shipping it.
 *
 * @example
 * delays(exponential({ initialMs: 100, maxMs: 1_000 }), 5); // [100, 200, 400, 800, 1000]
 * @throws ConfigError when `n` is not an integer >= 0 or `backoff` is not a function.
 */
export function delays(backoff: Backoff, n: number, options: DelaysOptions = {}): number[] {
  const fn = check.function<Backoff>('backoff', backoff);
  const count = check.integer('n', n, { min: 0, max: 1_000_000 });
  const opts = check.options(options, ['random']);
  const random = check.random('random', opts.random);
  const out: number[] = [];
  let previous = 0;
  for (let attempt = 1; attempt <= count; attempt++) {
    previous = fn(attempt, previous, random);
    out.push(previous);
  }
  return out;
}
