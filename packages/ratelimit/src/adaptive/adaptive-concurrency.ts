import {
  abortSignalOf,
  type Clock,
  contextFor,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  type ExecutionContext,
  failure,
  isAborted,
  type Listener,
  type Operation,
  type Outcome,
  type Policy,
  reportListenerError,
  runOperation,
  success,
} from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import type { RateLimitRejectedEvent } from '../rate-limit/events.ts';
import { Aimd } from './algorithms/aimd.ts';
import { Gradient } from './algorithms/gradient.ts';
import type { LimitAlgorithm } from './algorithms/limit-algorithm.ts';
import type { AdaptiveConcurrencyStatus, LimitChangeEvent } from './events.ts';
import {
  type AdaptiveAlgorithm,
  type AdaptiveConcurrencyOptions,
  defaultIsOverload,
  resolveAdaptiveOptions,
} from './options.ts';
import { WaitList } from './wait-list.ts';

/** A bulkhead whose limit adapts to the dependency; see {@link adaptiveConcurrency}. */
export interface AdaptiveConcurrency extends Policy {
  readonly algorithm: AdaptiveAlgorithm;
  /**
   * Runs `fn` holding one slot, released however the call ends. Without a free slot the call
   * waits in FIFO order (abortable through its signal), or is refused with a `RateLimitedError`
   * (`reason: 'queue-full'`) when `maxQueue` callers already wait.
   */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T>;
  /** Called when the limit (calls admitted at once) changes, with the reason. */
  onLimitChange(listener: Listener<LimitChangeEvent>): Disposer;
  /** Called when a call is refused because the queue is full. */
  onRejected(listener: Listener<RateLimitRejectedEvent>): Disposer;
  /** A snapshot: `limit` is the current limit. */
  status(): AdaptiveConcurrencyStatus;
}

const OWNER = 'adaptiveConcurrency';

/**
 * An adaptive bulkhead (Netflix concurrency-limits; no JavaScript peer has one): at most `limit`
 * calls run at once, and the limit learns from the calls — it grows while they succeed with the
 * limit in use and shrinks on overloads (429s, 503s, timeouts: see `isOverload`) and, with the
 * `'gradient'` algorithm, on rising latency. Calls over the limit wait in FIFO order.
 *
 * It knows no HTTP: an overload is an error with a numeric `status` of 429 or 503 (the client's
 * `HttpError` has one), a core `TimeoutError`, or whatever `isOverload` says. The limit moves
 * only when calls finish: no timer runs, and `clock` only times calls.
 *
 * An already-aborted signal rejects at once without calling `fn`; a waiter whose signal aborts
 * leaves the queue at once with the signal's reason; a call whose caller aborted teaches the
 * limit nothing.
 *
 * @example
 * const limiter = adaptiveConcurrency({ algorithm: 'gradient', initial: 10, max: 200 });
 * const response = await limiter.execute(({ signal }) => client.get('/search', { signal }));
 * @throws ConfigError for a bad option (see {@link AdaptiveConcurrencyOptions}).
 */
export function adaptiveConcurrency(options?: AdaptiveConcurrencyOptions): AdaptiveConcurrency {
  return new Adaptive(options);
}

class Adaptive implements AdaptiveConcurrency {
  readonly algorithm: AdaptiveAlgorithm;
  readonly #limit: LimitAlgorithm;
  readonly #maxQueue: number;
  readonly #isOverload: (outcome: Outcome<unknown>) => boolean;
  readonly #clock: Clock;
  readonly #timed: boolean;
  readonly #waiting = new WaitList();
  #inFlight = 0;
  // Admission numbers: also the count of calls admitted.
  #admitted = 0;
  #overloads = 0;
  #rejected = 0;
  #limitEvents: Emitter<LimitChangeEvent> | undefined;
  #rejectedEvents: Emitter<RateLimitRejectedEvent> | undefined;

  constructor(options: AdaptiveConcurrencyOptions | undefined) {
    const settings = resolveAdaptiveOptions(options);
    this.algorithm = settings.algorithm;
    const Algorithm = settings.algorithm === 'gradient' ? Gradient : Aimd;
    this.#limit = new Algorithm(settings.initial, settings.min, settings.max);
    this.#maxQueue = settings.maxQueue;
    this.#isOverload = settings.isOverload;
    this.#clock = settings.clock;
    this.#timed = this.#limit.timed;
  }

  /** Calls admitted at once now: the floor of the learnt limit. */
  get #capacity(): number {
    return Math.floor(this.#limit.limit);
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    if (this.#waiting.size === 0 && this.#inFlight < this.#capacity) return this.#run(fn, options, ++this.#inFlight);
    if (this.#waiting.size >= this.#maxQueue) return Promise.reject(this.#refuse());
    // The slot is taken for the waiter when it is granted (see #release), before it runs.
    // Only a signal that can abort is listened to: a context with none builds none.
    const signal = options === undefined ? undefined : abortSignalOf(options as ExecutionContext);
    return this.#waiting.wait(signal).then((inFlight) => {
      if (!isAborted(options)) return this.#run(fn, options, inFlight);
      this.#release();
      throw options.signal.reason;
    });
  }

  /** Runs `fn` in a slot already counted in `#inFlight`; `inFlight` is the count when it was admitted. */
  #run<T>(fn: Operation<T>, options: ExecuteOptions | undefined, inFlight: number): Promise<T> {
    const ticket = this.#admitted++;
    const startedAt = this.#timed ? this.#clock.now() : 0;
    return runOperation(fn, contextFor(options)).then(
      (value) => {
        this.#learn(ticket, inFlight, startedAt, this.#isOverload === defaultIsOverload ? undefined : success(value));
        this.#release();
        return value;
      },
      (error: unknown) => {
        if (!isAborted(options)) this.#learn(ticket, inFlight, startedAt, failure(error));
        this.#release();
        throw error;
      },
    );
  }

  /** Feeds a finished call to the algorithm; `outcome` undefined is a value under the default predicate. */
  #learn(ticket: number, inFlight: number, startedAt: number, outcome: Outcome<unknown> | undefined): void {
    let overload = false;
    if (outcome !== undefined) {
      try {
        overload = this.#isOverload(outcome);
      } catch (error) {
        // A buggy predicate must not corrupt the limiter: report it, count no overload.
        reportListenerError(error);
      }
      // A failure that is no overload (a 404, a bug) says nothing about capacity.
      if (!overload && !outcome.ok) return;
    }
    if (overload) this.#overloads++;
    const from = this.#capacity;
    this.#limit.update({
      ticket,
      nextTicket: this.#admitted,
      rttMs: this.#timed ? this.#clock.now() - startedAt : 0,
      inFlight,
      overload,
    });
    const to = this.#capacity;
    const events = this.#limitEvents;
    if (to !== from && events?.hasListeners) {
      events.emit({ from, to, reason: overload ? 'overload' : to > from ? 'growth' : 'latency' });
    }
  }

  /** Frees a slot, then hands free slots to the callers waiting longest. */
  #release(): void {
    this.#inFlight--;
    while (this.#inFlight < this.#capacity && this.#waiting.size > 0) this.#waiting.grantNext(++this.#inFlight);
  }

  #refuse(): RateLimitedError {
    this.#rejected++;
    const events = this.#rejectedEvents;
    if (events?.hasListeners) events.emit({ reason: 'queue-full', retryAfterMs: undefined });
    return new RateLimitedError(`${OWNER}: the wait queue is full (maxQueue ${this.#maxQueue})`, {
      reason: 'queue-full',
    });
  }

  onLimitChange(listener: Listener<LimitChangeEvent>): Disposer {
    this.#limitEvents ??= new Emitter();
    return this.#limitEvents.subscribe(listener);
  }

  onRejected(listener: Listener<RateLimitRejectedEvent>): Disposer {
    this.#rejectedEvents ??= new Emitter();
    return this.#rejectedEvents.subscribe(listener);
  }

  status(): AdaptiveConcurrencyStatus {
    return {
      algorithm: this.algorithm,
      limit: this.#capacity,
      min: this.#limit.min,
      max: this.#limit.max,
      inFlight: this.#inFlight,
      waiting: this.#waiting.size,
      maxQueue: Number.isFinite(this.#maxQueue) ? this.#maxQueue : null,
      calls: this.#admitted,
      overloads: this.#overloads,
      rejected: this.#rejected,
      rtt: this.#limit.rtt(),
    };
  }
}
