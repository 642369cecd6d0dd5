import type { Outcome } from '../policy/outcome.ts';

/** Payload of `onFallback`: a handled outcome is being replaced by the fallback. */
export interface FallbackEvent {
  /** The outcome replaced: the error the work threw, or the value judged a failure. */
  readonly outcome: Outcome<unknown>;
}

/** Payload of `onFallbackFailed`: the fallback itself threw; the call rejects with `error`. */
export interface FallbackFailedEvent {
  /** The outcome the fallback was replacing. */
  readonly outcome: Outcome<unknown>;
  /** What the fallback threw (or rejected with). */
  readonly error: unknown;
}

/** Snapshot returned by `status()`. Plain data, JSON-serialisable. */
export interface FallbackStatus {
  /** Calls to `execute` that started the work. */
  readonly calls: number;
  /** Calls answered by the fallback (it was called). */
  readonly fallbacks: number;
  /** Fallbacks that threw. */
  readonly fallbackFailures: number;
  /** Calls that failed after the caller's signal aborted (rejected with its reason, no fallback). */
  readonly aborts: number;
}
