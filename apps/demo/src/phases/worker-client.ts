import { exponential, fullJitter, retry } from '@sentinel/backoff';
import {
  type CircuitBreaker,
  type CircuitState,
  circuitBreaker,
  countWindow,
  isCircuitOpenError,
  type Trigger,
} from '@sentinel/breaker';
import { seededRandom } from '@sentinel/chaos';
import { type Client, createClient, type Timeouts } from '@sentinel/client';
import { type Clock, isNonRetryable, type Outcome, type Policy } from '@sentinel/core';
import type { BreakerTransition } from '@sentinel/workers';

/**
 * Every breaker the phase's workers make, and each one's state changes as they happen (from
 * `onStateChange`, so a change and its reversal in the same instant are both kept).
 */
export class BreakerLog {
  readonly changes: BreakerTransition[] = [];
  readonly #breakers: { readonly workerIndex: number; readonly origin: string; readonly breaker: CircuitBreaker }[] =
    [];
  readonly #startMs: number;
  readonly #names: ReadonlyMap<string, string>;

  /** Times are logged relative to `startMs`; origins by their upstream's name when `names` has one. */
  constructor(startMs: number, names: ReadonlyMap<string, string> = new Map()) {
    this.#startMs = startMs;
    this.#names = names;
  }

  /** Remembers `breaker` (worker `workerIndex`'s, for `url`'s origin) and logs its changes; returns the upstream's name. */
  watch(workerIndex: number, url: string, breaker: CircuitBreaker): string {
    const origin = this.#names.get(url) ?? url;
    this.#breakers.push({ workerIndex, origin, breaker });
    breaker.onStateChange((event) => {
      this.changes.push({
        atMs: Math.max(0, event.at - this.#startMs),
        workerIndex,
        origin,
        from: event.from,
        to: event.to,
      });
    });
    return origin;
  }

  /** Every breaker made so far with its state now. */
  states(): { readonly workerIndex: number; readonly origin: string; readonly state: CircuitState }[] {
    return this.#breakers.map(({ workerIndex, origin, breaker }) => ({
      workerIndex,
      origin,
      state: breaker.status().state,
    }));
  }
}

/** How one worker's client is layered; every phase states all of it. */
export interface WorkerClientOptions {
  readonly workerIndex: number;
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** Backoff before retry n: full jitter over `initialMs × 2^(n-1)`, at most `maxMs`. */
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /**
   * A `CircuitOpenError` is retried after the breaker's wait when true; when false the caller gets
   * it at once (the gateway: fail fast while an upstream is down).
   */
  readonly retryOpenBreaker: boolean;
  readonly breaker: {
    readonly trigger: () => Trigger;
    readonly halfOpenAfterMs: number;
    /** Which outcomes count against the breaker. @default every failure */
    readonly isFailure?: (outcome: Outcome<unknown>) => boolean;
  };
  /** The rate-limit policy every worker shares (the limit owed to the remote API). */
  readonly sharedLimit: Policy;
  readonly timeouts: Timeouts;
  readonly connections: number;
  readonly seed: number;
  readonly clock: Clock;
  readonly log: BreakerLog;
  /** Hands the worker's retry and breakers to the metrics, by name. */
  readonly instrument: (policy: object, name: string) => void;
}

/**
 * The scraper's and the load test's layers: ride out transient faults (five attempts: at 10 %
 * faults, 1 request in 100,000 fails them all), wait out an open breaker rather than fail, and open
 * a worker's breaker for an origin when half of its last 20 calls failed.
 */
export const RIDE_OUT_FAULTS = {
  maxAttempts: 5,
  backoff: { initialMs: 10, maxMs: 200 },
  retryOpenBreaker: true,
  breaker: {
    trigger: () => countWindow({ size: 20, failureRate: 0.5, minimumCalls: 10 }),
    halfOpenAfterMs: 1_000,
  },
} as const satisfies Pick<WorkerClientOptions, 'maxAttempts' | 'backoff' | 'retryOpenBreaker' | 'breaker'>;

/**
 * One worker's own client, the seed's layering: retry → circuit breaker (one per origin) → the
 * shared rate limit → per-phase timeouts. Nothing here is shared with another worker except
 * `sharedLimit`, which is shared on purpose.
 */
export function workerClient(o: WorkerClientOptions): Client {
  const shouldRetry = (outcome: Outcome<unknown>): boolean =>
    !outcome.ok && !isNonRetryable(outcome.error) && (o.retryOpenBreaker || !isCircuitOpenError(outcome.error));
  const retryPolicy = retry({
    maxAttempts: o.maxAttempts,
    backoff: fullJitter(exponential({ initialMs: o.backoff.initialMs, maxMs: o.backoff.maxMs })),
    shouldRetry,
    clock: o.clock,
    // Each worker draws its own jitter from the run's seed.
    random: seededRandom(o.seed * 1_000 + o.workerIndex),
  });
  o.instrument(retryPolicy, `retry/worker ${o.workerIndex}`);
  return createClient({
    connections: o.connections,
    timeouts: o.timeouts,
    clock: o.clock,
    retry: retryPolicy,
    breaker: (origin: string) => {
      const breaker = circuitBreaker({
        trigger: o.breaker.trigger(),
        halfOpenAfter: o.breaker.halfOpenAfterMs,
        clock: o.clock,
        ...(o.breaker.isFailure === undefined ? {} : { isFailure: o.breaker.isFailure }),
      });
      const name = o.log.watch(o.workerIndex, origin, breaker);
      o.instrument(breaker, `breaker/${name}/worker ${o.workerIndex}`);
      return breaker;
    },
    rateLimit: o.sharedLimit,
  });
}
