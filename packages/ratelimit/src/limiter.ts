/** Options of a limiter's `acquire`. */
export interface AcquireOptions {
  /** Aborting it removes the waiter at once and rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The longest this call may wait. When the limiter can tell at once that the wait would be
   * longer, it rejects at once with a `RateLimitedError` (`reason: 'max-wait'`) carrying the
   * expected wait as `retryAfterMs`.
   * @default Infinity
   */
  readonly maxWaitMs?: number | undefined;
}

/**
 * What `rateLimit()` and `keyed()` need from a limiter: every limiter in this package (and the
 * Redis one) implements it, and so can yours.
 */
export interface Limiter {
  /** Takes `n` permits now if it can; never waits. Local limiters answer synchronously. */
  tryAcquire(n?: number): boolean | PromiseLike<boolean>;
  /** Resolves once `n` permits are granted. */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /** Gives permits back when the work settles (bulkheads). Rate limiters do not have it. */
  release?(n?: number): void;
  /**
   * True when permits come from a remote store (Redis): `rateLimit` in `'wait'` mode then calls
   * `acquire` directly, one round trip, instead of `tryAcquire` first.
   */
  readonly remote?: boolean;
  /** Milliseconds until `n` permits could be granted to a new caller; a best estimate. */
  estimateWaitMs?(n?: number): number;
}
