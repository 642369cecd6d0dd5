import { type Clock, type ExecutionContext, optionChecker, type Random, systemClock } from '@sentinel/core';
import { seededRandom } from '../random/seeded-random.ts';
import type { Latency } from '../server/faults.ts';
import { ChaosError } from './errors.ts';

/** Options of {@link chaos}. */
export interface ChaosOptions {
  /**
   * Probability in [0, 1] that a call gets the fault (`error` or `outcome`) instead of running.
   * @default 0.1
   */
  readonly faultRate?: number;
  /**
   * Delay before every call (fixed, `{ min, max }` uniform, or `{ mean }` exponential), applied
   * whether or not the fault fires. Abortable.
   * @default 0
   */
  readonly latencyMs?: Latency;
  /**
   * What to throw when the fault fires: an error value, or a function of the call's context
   * returning one. Exclusive with `outcome`.
   * @default () => new ChaosError()
   */
  readonly error?: unknown;
  /**
   * What to return instead of running the call when the fault fires (e.g. a fake 503 response):
   * a function of the call's context. Exclusive with `error`.
   */
  readonly outcome?: (context: ExecutionContext) => unknown;
  /**
   * Seed for a deterministic random (see `seededRandom`). Exclusive with `random`.
   */
  readonly seed?: number;
  /**
   * Where rolls and latency samples come from.
   * @default systemRandom (or seededRandom(seed))
   */
  readonly random?: Random;
  /**
   * Where the latency is waited.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Switch: a disabled policy runs every call untouched (keep it in the pipeline, flip it per environment).
   * @default true
   */
  readonly enabled?: boolean;
}

export interface ResolvedChaosOptions {
  readonly faultRate: number;
  readonly latency: Latency;
  readonly fault: { readonly kind: 'error' | 'outcome'; readonly make: (context: ExecutionContext) => unknown };
  readonly random: Random;
  readonly clock: Clock;
  readonly enabled: boolean;
}

const check = optionChecker('chaos');
const KNOWN = ['faultRate', 'latencyMs', 'error', 'outcome', 'seed', 'random', 'clock', 'enabled'];

export function resolveChaosOptions(options: ChaosOptions | undefined): ResolvedChaosOptions {
  const opts = check.options(options, KNOWN);
  const faultRate = check.rate('faultRate', opts.faultRate, 0.1);
  const latency = opts.latencyMs ?? 0;
  if (typeof latency === 'number') check.duration('latencyMs', latency);
  else if (typeof latency === 'object' && latency !== null && 'mean' in latency)
    check.duration('latencyMs.mean', latency.mean);
  else if (typeof latency === 'object' && latency !== null && 'min' in latency) {
    const min = check.duration('latencyMs.min', latency.min);
    check.duration('latencyMs.max', latency.max, { min });
  } else check.fail('latencyMs', latency, 'a duration, { min, max } or { mean }');
  if (opts.error !== undefined && opts.outcome !== undefined) {
    check.fail('outcome', opts.outcome, 'absent when "error" is given (a fault either throws or returns)');
  }
  if (opts.seed !== undefined && opts.random !== undefined) {
    check.fail('random', opts.random, 'absent when "seed" is given');
  }
  let fault: ResolvedChaosOptions['fault'];
  if (opts.outcome !== undefined) fault = { kind: 'outcome', make: check.function('outcome', opts.outcome) };
  else {
    const error = opts.error;
    fault = {
      kind: 'error',
      make:
        error === undefined
          ? () => new ChaosError()
          : typeof error === 'function'
            ? (error as (context: ExecutionContext) => unknown)
            : () => error,
    };
  }
  return {
    faultRate,
    latency,
    fault,
    random:
      opts.seed !== undefined ? seededRandom(check.integer('seed', opts.seed)) : check.random('random', opts.random),
    clock: opts.clock ?? systemClock,
    enabled: check.boolean('enabled', opts.enabled, true),
  };
}
