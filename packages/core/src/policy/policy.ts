import type { DecisionListener } from './decision.ts';

/**
 * What a policy hands to the work it runs. Pass `signal` to your I/O: it aborts when the caller
 * aborts or when a policy gives up on this attempt (a timeout fired, a retry moved on).
 */
export interface ExecutionContext {
  /** Aborted when this attempt should stop; its `reason` says why. */
  readonly signal: AbortSignal;
  /** 1-based attempt number, set by a retry policy; `1` when no retry is involved. */
  readonly attempt: number;
  /**
   * The caller's decision listener, passed on from {@link ExecuteOptions.onDecision}: work and
   * inner policies that decide something about this call can report it here.
   */
  readonly onDecision?: DecisionListener | undefined;
}

/** Options of {@link Policy.execute}. */
export interface ExecuteOptions {
  /** Aborting it cancels the call: waits end at once and the work's own signal aborts. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The attempt an enclosing policy is on. `compose()` passes the outer context here so inner
   * policies hand the same attempt number to the work; callers rarely set it.
   */
  readonly attempt?: number | undefined;
  /**
   * Receives what each policy decided about this call (a retry's wait and which delay won, a
   * breaker's refusal, a limiter's wait, a timeout), in order, for a per-call trace. Contexts
   * hand it on to inner policies, so one listener sees the whole composition. Policies read it
   * only when they decide something and build nothing when it is absent, so an untraced call pays
   * nothing. Report with `reportDecision`, which keeps a throwing listener from breaking the policy.
   */
  readonly onDecision?: DecisionListener | undefined;
}

/** The work a policy runs: sync or async, receiving the attempt's context. */
export type Operation<T> = (context: ExecutionContext) => T | PromiseLike<T>;

/**
 * The one contract every Sentinel policy implements. `execute` runs `fn` under the policy and
 * returns what `fn` returns, or rejects with what it throws or with a typed Sentinel error (a
 * `RejectedError` when the policy refused to run it, a `TimeoutError`, ...). Aborts reject with
 * the signal's own `reason`; a signal that is already aborted when `execute` is called rejects
 * with its reason at once, without calling `fn` and without taking anything (a permit, a slot),
 * as `fetch` does.
 */
export interface Policy {
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T>;
}
