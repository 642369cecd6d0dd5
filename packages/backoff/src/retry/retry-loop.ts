/*
 * What a retry policy does once an attempt has failed: judge the failure, choose the wait (the
 * backoff's delay, or a longer retry-after hint), check the deadline and the budget, wait, run
 * the next attempts, and give up with a reason. Separate from retry.ts, which keeps the policy's
 * surface and the first attempt's fast path: only failures reach this file, so the hop to it costs
 * a call that succeeds at once nothing.
 */
import {
  AttemptScope,
  ConfigError,
  type Emitter,
  type ExecuteOptions,
  isRejectedError,
  type Operation,
  type Outcome,
  reportDecision,
  retryAfterOf,
} from '@sentinel/core';
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
import { defaultShouldRetry, type RetrySettings } from './options.ts';
import { SETTLED_ONLY } from './retry-attempt.ts';

/**
 * A retry policy's failure path, with the counters and emitters it feeds (the policy reads them
 * for `status()` and subscribes listeners to them). One per policy, shared by its calls.
 */
export class RetryLoop {
  // Read only on the failure path, so through the settings object rather than a field each.
  readonly #s: RetrySettings;
  retries = 0;
  giveUps = 0;
  aborts = 0;
  // Emitters are made on first subscription: a policy nobody listens to stays small.
  retryEvents: Emitter<RetryEvent> | undefined;
  giveUpEvents: Emitter<GiveUpEvent> | undefined;
  successEvents: Emitter<SuccessEvent> | undefined;

  constructor(settings: RetrySettings) {
    this.#s = settings;
  }

  async run<T>(
    fn: Operation<T>,
    options: ExecuteOptions | undefined,
    firstOutcome: Outcome<T>,
    firstScope: AttemptScope,
    startedAt: number,
  ): Promise<T> {
    const signal = options?.signal;
    const clock = this.#s.clock;
    const timed = this.#s.maxElapsedMs !== Infinity;
    let outcome = firstOutcome;
    let scope: AttemptScope = firstScope;
    let attempt = 1;
    let attemptStartedAt = startedAt;
    let previousDelayMs = 0;
    for (;;) {
      // Resolved outcomes arrive here already judged retryable; thrown errors are judged now.
      if (signal?.aborted) return this.#aborted(signal);
      if (!outcome.ok && !this.#s.shouldRetry(outcome, scope))
        return this.#giveUp(attempt, 'not-retryable', outcome, options);
      if (attempt >= this.#s.maxAttempts) return this.#giveUp(attempt, 'attempts', outcome, options);

      let delayMs = this.#s.backoff(attempt, previousDelayMs, this.#s.random);
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
        if (hint > this.#s.maxRetryAfterMs) return this.#giveUp(attempt, 'retry-after', outcome, options);
        if (hint > delayMs) {
          delayMs = hint;
          delaySource = 'retry-after';
        }
      }
      if (timed) {
        const now = clock.now();
        // The next attempt is assumed to take as long as the last one did.
        if (now + delayMs + (now - attemptStartedAt) > startedAt + this.#s.maxElapsedMs) {
          return this.#giveUp(attempt, 'deadline', outcome, options);
        }
      }
      if (this.#s.budget !== undefined && !this.#s.budget.tryRetry())
        return this.#giveUp(attempt, 'budget', outcome, options);

      scope.abort(new AttemptSupersededError(attempt));
      this.retries++;
      const retryEvents = this.retryEvents;
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
        if (this.#s.shouldRetry === defaultShouldRetry || !this.#s.shouldRetry(outcome, scope)) {
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
    const raw = this.#s.retryAfter(outcome);
    let hint = typeof raw === 'number' && raw >= 0 ? raw : undefined;
    if (!outcome.ok && isRejectedError(outcome.error)) {
      const refusal = retryAfterOf(outcome.error);
      if (refusal !== undefined && (hint === undefined || refusal > hint)) hint = refusal;
    }
    return hint;
  }

  #succeeded(attempts: number): void {
    const events = this.successEvents;
    if (events?.hasListeners) events.emit({ attempts });
  }

  #giveUp<T>(attempts: number, reason: GiveUpReason, outcome: Outcome<T>, options: ExecuteOptions | undefined): T {
    this.giveUps++;
    const events = this.giveUpEvents;
    if (events?.hasListeners) events.emit({ attempts, reason, outcome });
    const onDecision = options?.onDecision;
    if (onDecision !== undefined) {
      reportDecision<RetryGiveUpDecision>(onDecision, { layer: 'retry', decision: 'give-up', attempts, reason });
    }
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  }

  #aborted(signal: AbortSignal): never {
    this.aborts++;
    throw signal.reason;
  }
}
