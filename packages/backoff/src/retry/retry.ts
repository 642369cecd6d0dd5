import {
  AttemptScope,
  type Clock,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  type ExecutionContext,
  isAborted,
  type Listener,
  type Operation,
  type Outcome,
  type Policy,
} from '@sentinel/core';
import type { RetryBudget, RetryBudgetStatus } from '../budget/retry-budget.ts';
import type { GiveUpEvent, RetryEvent, SuccessEvent } from './events.ts';
import { defaultShouldRetry, type RetryOptions, resolveRetryOptions } from './options.ts';
import { RetryAttempt, SETTLED_ONLY } from './retry-attempt.ts';
import { RetryLoop } from './retry-loop.ts';

/** A retry policy: `execute` runs the work again after failures, waiting between attempts. */
export interface RetryPolicy extends Policy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Called before each wait: which attempt failed, how long the wait is and why. */
  onRetry(listener: Listener<RetryEvent>): Disposer;
  /** Called when a call ends with a failure: attempts spent, the reason, the last outcome. */
  onGiveUp(listener: Listener<GiveUpEvent>): Disposer;
  /** Called when a call succeeds, with the number of attempts it took. */
  onSuccess(listener: Listener<SuccessEvent>): Disposer;
  /**
   * Counters since the policy was created, and the shared budget's state. Successes are not
   * counted (counting them would cost every successful call a handler); use `onSuccess`.
   */
  status(): RetryStatus;
}

/** Snapshot returned by {@link RetryPolicy.status}. Plain data, JSON-serialisable. */
export interface RetryStatus {
  /** Calls to `execute` that ran a first attempt (one refused for an already-aborted signal is not counted). */
  readonly calls: number;
  /** Attempts of every kind: `calls + retries`. */
  readonly attempts: number;
  /** Retries started (attempts after the first). */
  readonly retries: number;
  /** Calls that ended with a failure (see `onGiveUp`). */
  readonly giveUps: number;
  /** Calls ended by the caller's signal. */
  readonly aborts: number;
  /** The budget's state, or `null` without a budget. */
  readonly budget: RetryBudgetStatus | null;
}

/**
 * Retries failed work. Each attempt gets its own context (`ctx.attempt`, and a `ctx.signal` that
 * follows the caller's); attempts never overlap, and before the next one starts the failed
 * attempt's signal is aborted with an `AttemptSupersededError`, so leftovers are cancelled.
 *
 * - By default thrown errors are retried, except errors marked with `markNonRetryable` and any
 *   failure after the caller's signal aborted; resolved values succeed (see `shouldRetry`).
 * - Between attempts it waits the backoff's delay, or the outcome's retry-after hint when longer:
 *   by default an error's `retryAfterMs`, so an open breaker or a server's Retry-After is waited
 *   out, never hammered. A hint above `maxRetryAfterMs` gives up at once.
 * - An abort during a wait rejects at once with the signal's reason; no further attempt starts.
 * - When it gives up it rethrows the last error unchanged, or returns the last resolved value
 *   when that was judged a failure (a final 503 stays a response for the HTTP layer to handle).
 *
 * A signal that is already aborted when `execute` is called rejects at once with its `reason`:
 * `fn` is not called and nothing is counted, as `fetch` and p-retry do. Otherwise the caller's
 * signal is not materialised while attempts succeed (building one costs microseconds).
 *
 * @example
 * const policy = retry({ maxAttempts: 4, backoff: fullJitter(exponential({ initialMs: 50 })) });
 * const data = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * @throws ConfigError when an option is invalid (see {@link RetryOptions}).
 */
export function retry(options: RetryOptions = {}): RetryPolicy {
  return new Retry(options);
}

class Retry implements RetryPolicy {
  readonly maxAttempts: number;
  // What the first attempt reads, held here rather than reached through #loop (one hop less).
  readonly #shouldRetry: (outcome: Outcome<unknown>, context: ExecutionContext) => boolean;
  readonly #maxElapsedMs: number;
  readonly #budget: RetryBudget | undefined;
  readonly #clock: Clock;
  readonly #loop: RetryLoop;
  #calls = 0;
  // The loop's success emitter, once made (see onSuccess): the first attempt asks it for listeners.
  #successEvents: Emitter<SuccessEvent> | undefined;

  constructor(options: RetryOptions) {
    const settings = resolveRetryOptions(options);
    this.maxAttempts = settings.maxAttempts;
    this.#shouldRetry = settings.shouldRetry;
    this.#maxElapsedMs = settings.maxElapsedMs;
    this.#budget = settings.budget;
    this.#clock = settings.clock;
    this.#loop = new RetryLoop(settings);
  }

  /*
   * The first attempt allocates its scope, one derived promise and one closure for the failure
   * path: no async frame (an async function costs ~3x a bare await here), no success handler, no
   * outcome object, no signal read, no clock read unless a deadline is set. A custom
   * `shouldRetry` or an `onSuccess` listener adds a success handler. Everything else lives in
   * RetryLoop (retry-loop.ts), which only failures reach.
   */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    this.#calls++;
    if (this.#budget !== undefined) this.#budget.recordCall();
    const startedAt = this.#maxElapsedMs === Infinity ? 0 : this.#clock.now();
    // Without caller options the scope has no parent to unlink from, so it never needs disposing
    // on success; with them, RetryAttempt disposes itself if its signal is ever read.
    const scope =
      options === undefined ? new AttemptScope(undefined, 1, SETTLED_ONLY) : new RetryAttempt(options, 1, SETTLED_ONLY);
    let result: T | PromiseLike<T>;
    try {
      result = fn(scope);
    } catch (error) {
      scope.dispose();
      return this.#loop.run(fn, options, { ok: false, error }, scope, startedAt);
    }
    // Promise.resolve returns a native promise as it is: no extra tick.
    const promise = Promise.resolve(result);
    const onFailure = (error: unknown): Promise<T> => {
      scope.dispose();
      return this.#loop.run(fn, options, { ok: false, error }, scope, startedAt);
    };
    if (this.#shouldRetry === defaultShouldRetry && this.#successEvents?.hasListeners !== true) {
      // A value passes straight through the derived promise: no success handler runs.
      if (options !== undefined) (scope as RetryAttempt).watch(promise);
      return promise.then(undefined, onFailure);
    }
    return promise.then((value) => {
      scope.dispose();
      if (this.#shouldRetry !== defaultShouldRetry) {
        const outcome: Outcome<T> = { ok: true, value };
        if (this.#shouldRetry(outcome, scope)) return this.#loop.run(fn, options, outcome, scope, startedAt);
      }
      this.#succeeded(1);
      return value;
    }, onFailure);
  }

  #succeeded(attempts: number): void {
    const events = this.#successEvents;
    if (events?.hasListeners) events.emit({ attempts });
  }

  onRetry(listener: Listener<RetryEvent>): Disposer {
    this.#loop.retryEvents ??= new Emitter();
    return this.#loop.retryEvents.subscribe(listener);
  }

  onGiveUp(listener: Listener<GiveUpEvent>): Disposer {
    this.#loop.giveUpEvents ??= new Emitter();
    return this.#loop.giveUpEvents.subscribe(listener);
  }

  onSuccess(listener: Listener<SuccessEvent>): Disposer {
    if (this.#successEvents === undefined) {
      this.#successEvents = new Emitter();
      this.#loop.successEvents = this.#successEvents;
    }
    return this.#successEvents.subscribe(listener);
  }

  status(): RetryStatus {
    const loop = this.#loop;
    return {
      calls: this.#calls,
      attempts: this.#calls + loop.retries,
      retries: loop.retries,
      giveUps: loop.giveUps,
      aborts: loop.aborts,
      budget: this.#budget === undefined ? null : this.#budget.status(),
    };
  }
}
