import type { DecisionListener } from '../policy/decision.ts';
import type { ExecuteOptions, ExecutionContext } from '../policy/policy.ts';

/*
 * Reading `AbortController#signal` for the first time costs about 3 µs in Node 20 (the
 * EventTarget is built lazily), 30-50x a bare `await`. So contexts build and link signals only
 * when someone reads them: a pipeline whose work never looks at `ctx.signal` allocates none.
 */

// Private brand: contexts made by this copy of core are passed through without re-wrapping.
const CONTEXT = Symbol('@sentinel/core:context');

/**
 * The context for work run by a policy that does not abort attempts on its own (a breaker, a
 * limiter): the enclosing context itself when there is one, so nothing is allocated, otherwise a
 * context following `options.signal`.
 */
export function contextFor(options: ExecuteOptions | undefined): ExecutionContext {
  if (options !== undefined && (options as { [CONTEXT]?: true })[CONTEXT] === true) return options as ExecutionContext;
  return new PassThroughContext(options);
}

/**
 * The signal to hand to I/O for `context`, or `undefined` when nothing can ever abort it (no
 * caller signal and no policy that aborts attempts). Passing no signal lets HTTP clients skip
 * their abort wiring, and never materialises one (~3 µs in Node 20). Use it where the I/O accepts
 * an optional signal; read `context.signal` where one is required.
 */
export function abortSignalOf(context: ExecutionContext): AbortSignal | undefined {
  if (context instanceof PassThroughContext) return context.callerSignal;
  if (context instanceof AttemptScope) return context[RUNNING_SIGNAL]();
  return context.signal;
}

/**
 * Whether the call `options` describe (an options object or a context) is already aborted, read
 * without building a signal. Policies check it before anything else: a call whose caller has
 * already given up is refused with the signal's reason, its work never runs and nothing is taken
 * (a permit, a probe slot), as `fetch` and `signal.throwIfAborted()` do.
 *
 * @example
 * if (isAborted(options)) return Promise.reject(options.signal.reason);
 */
export function isAborted(
  options: ExecuteOptions | undefined,
): options is ExecuteOptions & { readonly signal: AbortSignal } {
  if (options === undefined) return false;
  if (options instanceof PassThroughContext) return options.callerSignal?.aborted === true;
  if (options instanceof AttemptScope) return options.aborted;
  return options.signal?.aborted === true;
}

// Module-private: how abortSignalOf asks a scope for the signal that can abort it while it runs.
const RUNNING_SIGNAL = Symbol('runningSignal');

/** Options of {@link AttemptScope}. */
export interface AttemptScopeOptions {
  /**
   * The owner aborts this scope only after the attempt has settled, to cancel leftovers (a retry
   * superseding a failed attempt), never while it runs. While it runs, only the parent can abort
   * it, so {@link abortSignalOf} hands I/O the parent's signal (or none) instead of building one.
   * @default false
   */
  readonly abortedOnlyAfterSettling?: boolean | undefined;
}

class PassThroughContext implements ExecutionContext {
  declare readonly [CONTEXT]: true;
  readonly attempt: number;
  #options: ExecuteOptions | undefined;
  #signal: AbortSignal | undefined;

  constructor(options: ExecuteOptions | undefined) {
    this.#options = options;
    this.attempt = options?.attempt ?? 1;
  }

  /** The caller's decision listener. A getter, so contexts carry no field for it. */
  get onDecision(): DecisionListener | undefined {
    return this.#options?.onDecision;
  }

  /** The caller's signal, or `undefined`: never creates one. */
  get callerSignal(): AbortSignal | undefined {
    return this.#signal ?? this.#options?.signal;
  }

  get signal(): AbortSignal {
    // A fresh, never-aborted signal per call when the caller gave none: listeners that user code
    // forgets to remove die with it instead of piling up on a shared one.
    this.#signal ??= this.#options?.signal ?? new AbortController().signal;
    return this.#signal;
  }
}

/**
 * The context of one attempt run by a policy that may abort it (a timeout, a retry). Its signal
 * follows the parent's and is aborted by {@link AttemptScope.abort}; it is created only when
 * read. Call {@link AttemptScope.dispose} when the attempt settles so the parent no longer holds
 * a listener for it.
 */
export class AttemptScope implements ExecutionContext {
  declare readonly [CONTEXT]: true;
  readonly attempt: number;
  #parent: ExecuteOptions | undefined;
  #controller: AbortController | undefined;
  #parentSignal: AbortSignal | undefined;
  #onParentAbort: (() => void) | undefined;
  #aborted = false;
  #reason: unknown;
  #disposed = false;
  readonly #abortedOnlyAfterSettling: boolean;

  /**
   * @param parent - the enclosing options or context; its signal is read only when this one is.
   * @param attempt - the attempt number; defaults to the parent's (or 1).
   */
  constructor(parent: ExecuteOptions | undefined, attempt?: number, options?: AttemptScopeOptions) {
    this.#parent = parent;
    this.attempt = attempt ?? parent?.attempt ?? 1;
    this.#abortedOnlyAfterSettling = options?.abortedOnlyAfterSettling === true;
  }

  /** See {@link abortSignalOf}. */
  [RUNNING_SIGNAL](): AbortSignal | undefined {
    if (!this.#abortedOnlyAfterSettling || this.#aborted) return this.signal;
    const parent = this.#parent;
    if (parent === undefined) return undefined;
    return (parent as { [CONTEXT]?: true })[CONTEXT] === true
      ? abortSignalOf(parent as ExecutionContext)
      : parent.signal;
  }

  /** The parent's decision listener. A getter, so scopes carry no field for it. */
  get onDecision(): DecisionListener | undefined {
    return this.#parent?.onDecision;
  }

  /**
   * Whether this attempt was aborted, by the parent or by {@link AttemptScope.abort}. Answers
   * without building a signal: a scope whose signal was never read asks its parent.
   */
  get aborted(): boolean {
    if (this.#aborted) return true;
    if (this.#controller !== undefined) return this.#controller.signal.aborted;
    return !this.#disposed && isAborted(this.#parent);
  }

  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    if (this.#aborted) {
      controller.abort(this.#reason);
      return controller.signal;
    }
    const parent = this.#parent?.signal;
    if (parent !== undefined && !this.#disposed) {
      if (parent.aborted) {
        controller.abort(parent.reason);
      } else {
        // The listener is made here, not as a class field, so scopes never read cost no closure.
        const onParentAbort = () => {
          this.#parentSignal = undefined;
          this.abort(parent.reason);
        };
        this.#parentSignal = parent;
        this.#onParentAbort = onParentAbort;
        parent.addEventListener('abort', onParentAbort, { once: true });
      }
    }
    return controller.signal;
  }

  /** Aborts this attempt's signal with `reason` (now, or when it is first read). Idempotent. */
  abort(reason?: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.#unlink();
    this.#controller?.abort(this.#reason);
  }

  /** Stops following the parent signal. The signal keeps its current state. Idempotent. */
  dispose(): void {
    this.#disposed = true;
    this.#unlink();
  }

  /** Mirrors the platform: `using scope = new AttemptScope(...)` disposes on scope exit. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #unlink(): void {
    if (this.#parentSignal === undefined) return;
    this.#parentSignal.removeEventListener('abort', this.#onParentAbort as () => void);
    this.#parentSignal = undefined;
    this.#onParentAbort = undefined;
  }
}

// Both context kinds carry the brand on their prototype: zero per-instance cost.
for (const kind of [PassThroughContext, AttemptScope]) {
  Object.defineProperty(kind.prototype, CONTEXT, { value: true });
}
