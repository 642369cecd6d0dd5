/**
 * What a policy hands to the work it runs. Pass `signal` to your I/O: it aborts when the caller
 * aborts or when a policy gives up on this attempt (a timeout fired, a retry moved on).
 */
export interface ExecutionContext {
  /** Aborted when this attempt should stop; its `reason` says why. */
  readonly signal: AbortSignal;
  /** 1-based attempt number, set by a retry policy; `1` when no retry is involved. */
  readonly attempt: number;
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
}

/** The work a policy runs: sync or async, receiving the attempt's context. */
export type Operation<T> = (context: ExecutionContext) => T | PromiseLike<T>;

/**
 * The one contract every Sentinel policy implements. `execute` runs `fn` under the policy and
 * returns what `fn` returns, or rejects with what it throws or with a typed Sentinel error (a
 * `RejectedError` when the policy refused to run it, a `TimeoutError`, ...). Aborts reject with
 * the signal's own `reason`.
 */
export interface Policy {
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T>;
}
