import { contextFor, isAborted } from '../context/context.ts';
import { type Disposer, Emitter, type Listener } from '../events/events.ts';
import { optionChecker } from '../options/option-checker.ts';
import { runOperation } from '../policy/compose.ts';
import { failure, type Outcome, success } from '../policy/outcome.ts';
import type { ExecuteOptions, ExecutionContext, Operation, Policy } from '../policy/policy.ts';
import type { FallbackEvent, FallbackFailedEvent, FallbackStatus } from './events.ts';
import { type FallbackOptions, handleErrors } from './options.ts';

/** A policy that answers a failed call with a fallback value; see {@link fallback}. */
export interface FallbackPolicy<R> extends Policy {
  /** Runs `fn`; resolves with its value, or with the fallback's when the outcome is handled. */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T | R>;
  /**
   * The same call seen as a plain `Policy` (inside `compose()`), whose result is typed `T`: a
   * fallback used there should give a value of the work's type.
   */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T>;
  /** Called when a handled outcome is replaced, before the fallback runs. */
  onFallback(listener: Listener<FallbackEvent>): Disposer;
  /** Called when the fallback itself throws; the call rejects with that error. */
  onFallbackFailed(listener: Listener<FallbackFailedEvent>): Disposer;
  /** Counters since the policy was created. */
  status(): FallbackStatus;
}

const check = optionChecker('fallback');

/**
 * Answers a failed call with a fallback: when the work throws (or `shouldHandle(outcome)` says
 * so), the call returns `fallback(outcome, ctx)` instead — a cached value, a default, a degraded
 * answer. The fallback's own failure rejects the call with its error.
 *
 * An abort is not a failure to fall back from: an already-aborted signal rejects at once without
 * calling `fn`, and a failure after the caller's signal aborted rejects with the signal's
 * reason, without calling `shouldHandle` or the fallback. The policy never aborts the work
 * itself and keeps no timer: the work's context is the caller's, passed on unchanged.
 *
 * Put it outermost (`compose(fallback, retry, breaker, ...)`) so it answers only once everything
 * inside has given up.
 *
 * @example
 * const cached = fallback({ fallback: () => lastKnownPrices });
 * const prices = await cached.execute(({ signal }) => fetchPrices(signal));
 * @throws ConfigError when `fallback` is not a function or `shouldHandle` is given and is not one.
 */
export function fallback<R>(options: FallbackOptions<R>): FallbackPolicy<R> {
  return new Fallback(options);
}

class Fallback<R> implements FallbackPolicy<R> {
  readonly #fallback: FallbackOptions<R>['fallback'];
  readonly #shouldHandle: (outcome: Outcome<unknown>) => boolean;
  #calls = 0;
  #fallbacks = 0;
  #fallbackFailures = 0;
  #aborts = 0;
  // Made on first subscription: a policy nobody listens to stays small.
  #fallbackEvents: Emitter<FallbackEvent> | undefined;
  #failedEvents: Emitter<FallbackFailedEvent> | undefined;

  constructor(options: FallbackOptions<R>) {
    const opts = check.options(options, ['fallback', 'shouldHandle']);
    this.#fallback = check.function('fallback', opts.fallback);
    this.#shouldHandle = check.function('shouldHandle', opts.shouldHandle, handleErrors);
  }

  /*
   * The success path under the default predicate adds one derived promise and no handler: a
   * value passes straight through. A custom `shouldHandle` adds a success handler.
   */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T | R> {
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    this.#calls++;
    const context = contextFor(options);
    const work = runOperation(fn, context);
    const onError = (error: unknown): R | Promise<R> => {
      if (isAborted(options)) return this.#aborted(options.signal);
      const outcome = failure(error);
      if (this.#shouldHandle === handleErrors || this.#shouldHandle(outcome)) return this.#replace(outcome, context);
      throw error;
    };
    if (this.#shouldHandle === handleErrors) return work.then(undefined, onError);
    return work.then((value): T | R | Promise<R> => {
      // A value is the work's answer even after an abort: only failures turn into the abort.
      if (isAborted(options)) return value;
      const outcome = success(value);
      return this.#shouldHandle(outcome) ? this.#replace(outcome, context) : value;
    }, onError);
  }

  #replace(outcome: Outcome<unknown>, context: ExecutionContext): R | Promise<R> {
    this.#fallbacks++;
    const events = this.#fallbackEvents;
    if (events?.hasListeners) events.emit({ outcome });
    let answer: R | PromiseLike<R>;
    try {
      answer = this.#fallback(outcome, context);
    } catch (error) {
      return this.#failed(outcome, error);
    }
    if (typeof (answer as PromiseLike<R> | null)?.then !== 'function') return answer as R;
    return Promise.resolve(answer).then(undefined, (error: unknown) => this.#failed(outcome, error));
  }

  #failed(outcome: Outcome<unknown>, error: unknown): never {
    this.#fallbackFailures++;
    const events = this.#failedEvents;
    if (events?.hasListeners) events.emit({ outcome, error });
    throw error;
  }

  #aborted(signal: AbortSignal): never {
    this.#aborts++;
    throw signal.reason;
  }

  onFallback(listener: Listener<FallbackEvent>): Disposer {
    this.#fallbackEvents ??= new Emitter();
    return this.#fallbackEvents.subscribe(listener);
  }

  onFallbackFailed(listener: Listener<FallbackFailedEvent>): Disposer {
    this.#failedEvents ??= new Emitter();
    return this.#failedEvents.subscribe(listener);
  }

  status(): FallbackStatus {
    return {
      calls: this.#calls,
      fallbacks: this.#fallbacks,
      fallbackFailures: this.#fallbackFailures,
      aborts: this.#aborts,
    };
  }
}
