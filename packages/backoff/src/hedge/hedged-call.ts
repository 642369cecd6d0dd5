import {
  AttemptScope,
  abortSignalOf,
  type Clock,
  type ExecuteOptions,
  type ExecutionContext,
  failure,
  MAX_DELAY_MS,
  type Operation,
  type Outcome,
  success,
} from '@sentinel/core';
import { HedgeLostError } from './errors.ts';
import type { HedgeGiveUpReason, HedgeReason } from './events.ts';
import type { HedgeState } from './hedge-state.ts';

const noop = () => {};

/**
 * Arms a one-shot timer on `clock`: its `timer` fast path when it has one, else a cancellable
 * sleep. Returns the function that cancels it.
 */
function armTimer(clock: Clock, ms: number, onTime: () => void): () => void {
  if (typeof clock.timer === 'function') return clock.timer(ms, onTime);
  const cancel = new AbortController();
  // The sleep rejects when cancelled: nothing to do then.
  clock.sleep(ms, cancel.signal).then(onTime, noop);
  return () => cancel.abort();
}

/**
 * One call under a hedge: the primary attempt, then hedges as delays pass or attempts fail,
 * until an acceptable outcome settles the call, every allowed attempt was hedged, or the caller
 * aborts. Attempts run in parallel, each in its own `AttemptScope` that follows the caller's
 * signal; when the call settles, every other attempt's scope is aborted with a
 * {@link HedgeLostError}, the winner's never. At most one timer is pending, cleared on settle.
 */
export class HedgedCall<T> {
  readonly #state: HedgeState;
  readonly #fn: Operation<T>;
  readonly #options: ExecuteOptions | undefined;
  readonly #resolve: (value: T) => void;
  readonly #reject: (error: unknown) => void;
  readonly #scopes: AttemptScope[] = [];
  readonly #startedAt: number;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #running = 0;
  #hedges = 0;
  /** Set once no further hedge may start in this call, with the reason. */
  #exhausted: HedgeGiveUpReason | undefined;
  #delayMs = 0;
  #cancelTimer: () => void = noop;
  #settled = false;
  #lastAttempt = 0;
  #lastOutcome: Outcome<T> | undefined;

  constructor(
    state: HedgeState,
    fn: Operation<T>,
    options: ExecuteOptions | undefined,
    resolve: (value: T) => void,
    reject: (error: unknown) => void,
  ) {
    this.#state = state;
    this.#fn = fn;
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#startedAt = state.clock.now();
  }

  /** Starts the primary attempt, and the timer for the first hedge unless `firstDelayMs` is undefined. */
  start(firstDelayMs: number | undefined): void {
    // Only a signal that can abort is listened to: a pass-through context without a caller
    // signal has none, and reading its `signal` would build one for nothing.
    const signal = this.#options === undefined ? undefined : abortSignalOf(this.#options as ExecutionContext);
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => this.#aborted(signal);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
    this.#launch();
    if (firstDelayMs !== undefined) this.#arm(firstDelayMs);
  }

  #launch(): void {
    const attempt = this.#scopes.length + 1;
    const scope = new AttemptScope(this.#options, attempt);
    this.#scopes.push(scope);
    this.#running++;
    this.#state.running++;
    let result: T | PromiseLike<T>;
    try {
      result = this.#fn(scope);
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      (value) => this.#attemptSettled(attempt, scope, success(value)),
      (error: unknown) => this.#attemptSettled(attempt, scope, failure(error)),
    );
  }

  #attemptSettled(attempt: number, scope: AttemptScope, outcome: Outcome<T>): void {
    scope.dispose();
    this.#running--;
    this.#state.running--;
    if (this.#settled) return;
    let hedged: boolean;
    try {
      hedged = this.#state.shouldHedge(outcome, scope);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (!hedged) {
      this.#win(attempt, outcome);
      return;
    }
    this.#lastAttempt = attempt;
    this.#lastOutcome = outcome;
    if (this.#startHedge('failure')) return;
    if (this.#running === 0) this.#giveUp();
  }

  /** Starts the next hedge if one may start; returns whether it did. */
  #startHedge(reason: HedgeReason): boolean {
    if (this.#exhausted !== undefined) return false;
    const state = this.#state;
    if (this.#hedges >= state.maxHedges) {
      this.#exhausted = 'attempts';
      return false;
    }
    if (state.budget !== undefined && !state.budget.tryRetry()) {
      state.budgetRefusals++;
      this.#exhausted = 'budget';
      return false;
    }
    this.#cancelTimer();
    this.#cancelTimer = noop;
    const hedge = ++this.#hedges;
    state.hedges++;
    const events = state.hedgeEvents;
    if (events?.hasListeners) events.emit({ hedge, attempt: hedge + 1, reason, running: this.#running });
    this.#launch();
    if (hedge < state.maxHedges) {
      let next: number;
      try {
        next = state.delayBefore(hedge + 1, this.#delayMs);
      } catch (error) {
        this.#fail(error);
        return true;
      }
      this.#arm(next);
    }
    return true;
  }

  #arm(ms: number): void {
    this.#delayMs = ms;
    if (ms === Number.POSITIVE_INFINITY) return;
    // No delay: the next attempt starts now, with no timer (a race of 1 + maxHedges attempts).
    if (ms <= 0) {
      this.#startHedge('delay');
      return;
    }
    this.#cancelTimer = armTimer(this.#state.clock, Math.min(ms, MAX_DELAY_MS), () => {
      this.#cancelTimer = noop;
      if (!this.#settled) this.#startHedge('delay');
    });
  }

  #win(attempt: number, outcome: Outcome<T>): void {
    const state = this.#state;
    const latencyMs = state.clock.now() - this.#startedAt;
    this.#finish(attempt, undefined);
    if (attempt === 1) state.primaryWins++;
    else state.hedgeWins++;
    if (outcome.ok) state.latencies?.add(latencyMs);
    const events = state.winEvents;
    if (events?.hasListeners) events.emit({ attempt, hedges: this.#hedges, latencyMs, outcome });
    if (outcome.ok) this.#resolve(outcome.value);
    else this.#reject(outcome.error);
  }

  #giveUp(): void {
    const state = this.#state;
    const outcome = this.#lastOutcome as Outcome<T>;
    this.#finish(this.#lastAttempt, undefined);
    state.giveUps++;
    const events = state.giveUpEvents;
    if (events?.hasListeners) {
      events.emit({ attempts: this.#scopes.length, reason: this.#exhausted ?? 'attempts', outcome });
    }
    if (outcome.ok) this.#resolve(outcome.value);
    else this.#reject(outcome.error);
  }

  /** A user callback threw: the call rejects with that error, and running attempts are aborted with it. */
  #fail(error: unknown): void {
    this.#finish(0, error);
    this.#reject(error);
  }

  #aborted(signal: AbortSignal): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cancelTimer();
    this.#state.aborts++;
    // The attempts' scopes follow the same signal: they are aborted with its reason already.
    this.#reject(signal.reason);
  }

  /** Settles the call: clears the timer and the abort listener, aborts every attempt but `winner`. */
  #finish(winner: number, reason: unknown): void {
    this.#settled = true;
    this.#cancelTimer();
    this.#cancelTimer = noop;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    const scopes = this.#scopes;
    for (let i = 0; i < scopes.length; i++) {
      if (i + 1 !== winner) (scopes[i] as AttemptScope).abort(reason ?? new HedgeLostError(i + 1, winner));
    }
  }
}
