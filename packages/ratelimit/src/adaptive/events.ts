import type { AdaptiveAlgorithm } from './options.ts';

/** Why the limit moved. */
export type LimitChangeReason =
  /** An outcome said the dependency is overloaded (a 429, a 503, a timeout). */
  | 'overload'
  /** Calls kept succeeding with the limit in use. */
  | 'growth'
  /** Latency rose (the gradient algorithm): the dependency is queueing. */
  | 'latency';

/** Payload of `onLimitChange`: the limit (calls admitted at once) changed. */
export interface LimitChangeEvent {
  readonly from: number;
  readonly to: number;
  readonly reason: LimitChangeReason;
}

/** Snapshot returned by `status()`. Plain data, JSON-serialisable. */
export interface AdaptiveConcurrencyStatus {
  readonly algorithm: AdaptiveAlgorithm;
  /** Calls admitted at once now. */
  readonly limit: number;
  readonly min: number;
  readonly max: number;
  /** Calls running now. */
  readonly inFlight: number;
  /** Calls waiting for a slot. */
  readonly waiting: number;
  /** `null` when the queue is unbounded. */
  readonly maxQueue: number | null;
  /** Calls admitted since creation. */
  readonly calls: number;
  /** Outcomes judged overloads since creation. */
  readonly overloads: number;
  /** Calls refused because the queue was full. */
  readonly rejected: number;
  /** The gradient's latencies (`shortMs`, `longMs`; `null` before the first window); `null` for AIMD. */
  readonly rtt: { readonly shortMs: number | null; readonly longMs: number | null } | null;
}
