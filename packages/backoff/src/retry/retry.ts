import {
  AttemptScope,
  type Backoff,
  type Clock,
  ConfigError,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  type ExecutionContext,
  isAborted,
  isRejectedError,
  type Listener,
  type Operation,
  type Outcome,
  type Policy,
  type Random,
  reportDecision,
  retryAfterOf,
} from '@sentinel/core';
import type { RetryBudget, RetryBudgetStatus } from '../budget/retry-budget.ts';
import { AttemptSupersededError } from './errors.ts';
import type {
  DelaySource,
  GiveUpEvent,
  GiveUpReason,
  RetryEvent,
  RetryGiveUpDecision,
  RetryWaitDecision,
  SuccessEvent,
} from './events.ts';
import { defaultShouldRetry, type RetryOptions, resolveRetryOptions } from './options.ts';
import { RetryAttempt } from './retry-attempt.ts';

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

/*
 * A retry aborts an attempt's scope only once that attempt has settled (to cancel leftovers when
 * it supersedes it), never while it runs: I/O handed abortSignalOf(ctx) then needs no signal of
 * its own unless the caller or an enclosing timeout can abort it.
 */
const SETTLED_ONLY = Object.freeze({ abortedOnlyAfterSettling: true });

class Retry implements RetryPolicy {
  readonly maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #shouldRetry: (outcome: Outcome<unknown>, context: ExecutionContext) => boolean;
  readonly #retryAfter: (outcome: Outcome<unknown>) => number | undefined;
  readonly #maxRetryAfterMs: number;
  readonly #maxElapsedMs: number;
  readonly #budget: RetryBudget | undefined;
  readonly #clock: Clock;
  readonly #random: Random;
  #calls = 0;
  #retries = 0;
  #giveUps = 0;
  #aborts = 0;
  // Emitters are made on first subscription: a policy nobody listens to stays small.
  #retryEvents: Emitter<RetryEvent> | undefined;
  #giveUpEvents: Emitter<GiveUpEvent> | undefined;
  #successEvents: Emitter<SuccessEvent> | undefined;

  constructor(options: RetryOptions) {
    const settings = resolveRetryOptions(options);
    this.maxAttempts = settings.maxAttempts;
    this.#backoff = settings.backoff;
    this.#shouldRetry = settings.shouldRetry;
    this.#retryAfter = settings.retryAfter;
    this.#maxRetryAfterMs = settings.maxRetryAfterMs;
    this.#maxElapsedMs = settings.maxElapsedMs;
    this.#budget = settings.budget;
    this.#clock = settings.clock;
    this.#random = settings.random;
  }

  /*
   * The first attempt allocates its scope, one derived promise and one closure for the failure
   * path: no async frame (an async function costs ~3x a bare await here), no success handler, no
   * outcome object, no signal read, no clock read unless a deadline is set. A custom
   * `shouldRetry` or an `onSuccess` listener adds a success handler. Everything else lives in
   * #retryLoop, which only failures reach.
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
      return this.#retryLoop(fn, options, { ok: false, error }, scope, startedAt);
    }
    // Promise.resolve returns a native promise as it is: no extra tick.
    const promise = Promise.resolve(result);
    const onFailure = (error: unknown): Promise<T> => {
      scope.dispose();
      return this.#retryLoop(fn, options, { ok: false, error }, scope, startedAt);
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
        if (this.#shouldRetry(outcome, scope)) return this.#retryLoop(fn, options, outcome, scope, startedAt);
      }
      this.#succeeded(1);
      return value;
    }, onFailure);
  }

  async #retryLoop<T>(
    fn: Operation<T>,
    options: ExecuteOptions | undefined,
    firstOutcome: Outcome<T>,
    firstScope: AttemptScope,
    startedAt: number,
  ): Promise<T> {
    const signal = options?.signal;
    const clock = this.#clock;
    const timed = this.#maxElapsedMs !== Infinity;
    let outcome = firstOutcome;
    let scope: AttemptScope = firstScope;
    let attempt = 1;
    let attemptStartedAt = startedAt;
    let previousDelayMs = 0;
    for (;;) {
      // Resolved outcomes arrive here already judged retryable; thrown errors are judged now.
      if (signal?.aborted) return this.#aborted(signal);
      if (!outcome.ok && !this.#shouldRetry(outcome, scope))
        return this.#giveUp(attempt, 'not-retryable', outcome, options);
      if (attempt >= this.maxAttempts) return this.#giveUp(attempt, 'attempts', outcome, options);

      let delayMs = this.#backoff(attempt, previousDelayMs, this.#random);
      if (typeof delayMs !== 'number' || !(delayMs >= 0)) {
        throw new ConfigError({
          owner: 'retry',
          option: 'backoff',
          value: delayMs,
          expected: 'a function returning a delay >= 0',
        });
      }
      previousDelayMs = delayMs;
      const backoffMs = delayMs;
      let delaySource: DelaySource = 'backoff';
      const hint = this.#hintFor(outcome);
      if (hint !== undefined) {
        if (hint > this.#maxRetryAfterMs) return this.#giveUp(attempt, 'retry-after', outcome, options);
        if (hint > delayMs) {
          delayMs = hint;
          delaySource = 'retry-after';
        }
      }
      if (timed) {
        const now = clock.now();
        // The next attempt is assumed to take as long as the last one did.
        if (now + delayMs + (now - attemptStartedAt) > startedAt + this.#maxElapsedMs) {
          return this.#giveUp(attempt, 'deadline', outcome, options);
        }
      }
      if (this.#budget !== undefined && !this.#budget.tryRetry())
        return this.#giveUp(attempt, 'budget', outcome, options);

      scope.abort(new AttemptSupersededError(attempt));
      this.#retries++;
      const retryEvents = this.#retryEvents;
      if (retryEvents?.hasListeners) retryEvents.emit({ attempt, delayMs, delaySource, outcome });
      const onDecision = options?.onDecision;
      if (onDecision !== undefined) {
        const decision: RetryWaitDecision =
          hint === undefined
            ? { layer: 'retry', decision: 'wait', attempt, delayMs, delaySource, backoffMs }
            : { layer: 'retry', decision: 'wait', attempt, delayMs, delaySource, backoffMs, retryAfterMs: hint };
        reportDecision(onDecision, decision);
      }
      try {
        await clock.sleep(delayMs, signal);
      } catch (error) {
        if (signal?.aborted) return this.#aborted(signal);
        throw error;
      }
      if (signal?.aborted) return this.#aborted(signal);

      attempt++;
      scope = new AttemptScope(options, attempt, SETTLED_ONLY);
      if (timed) attemptStartedAt = clock.now();
      try {
        const value = (await fn(scope)) as T;
        scope.dispose();
        outcome = { ok: true, value };
        if (this.#shouldRetry === defaultShouldRetry || !this.#shouldRetry(outcome, scope)) {
          this.#succeeded(attempt);
          return value;
        }
      } catch (error) {
        scope.dispose();
        outcome = { ok: false, error };
      }
    }
  }

  /**
   * The outcome's retry-after hint, or `undefined`. A policy's refusal (an open breaker, a full
   * limiter) counts with its own `retryAfterMs` even under a custom `retryAfter` that does not
   * read errors, so the retry never hammers an open breaker whatever the options.
   */
  #hintFor(outcome: Outcome<unknown>): number | undefined {
    const raw = this.#retryAfter(outcome);
    let hint = typeof raw === 'number' && raw >= 0 ? raw : undefined;
    if (!outcome.ok && isRejectedError(outcome.error)) {
      const refusal = retryAfterOf(outcome.error);
      if (refusal !== undefined && (hint === undefined || refusal > hint)) hint = refusal;
    }
    return hint;
  }

  #succeeded(attempts: number): void {
    const events = this.#successEvents;
    if (events?.hasListeners) events.emit({ attempts });
  }

  #giveUp<T>(attempts: number, reason: GiveUpReason, outcome: Outcome<T>, options: ExecuteOptions | undefined): T {
    this.#giveUps++;
    const events = this.#giveUpEvents;
    if (events?.hasListeners) events.emit({ attempts, reason, outcome });
    const onDecision = options?.onDecision;
    if (onDecision !== undefined) {
      reportDecision<RetryGiveUpDecision>(onDecision, { layer: 'retry', decision: 'give-up', attempts, reason });
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  #aborted(signal: AbortSignal): never {
    this.#aborts++;
    throw signal.reason;
  }

  onRetry(listener: Listener<RetryEvent>): Disposer {
    this.#retryEvents ??= new Emitter();
    return this.#retryEvents.subscribe(listener);
  }

  onGiveUp(listener: Listener<GiveUpEvent>): Disposer {
    this.#giveUpEvents ??= new Emitter();
    return this.#giveUpEvents.subscribe(listener);
  }

  onSuccess(listener: Listener<SuccessEvent>): Disposer {
    this.#successEvents ??= new Emitter();
    return this.#successEvents.subscribe(listener);
  }

  status(): RetryStatus {
    return {
      calls: this.#calls,
      attempts: this.#calls + this.#retries,
      retries: this.#retries,
      giveUps: this.#giveUps,
      aborts: this.#aborts,
      budget: this.#budget === undefined ? null : this.#budget.status(),
    };
  }
}
