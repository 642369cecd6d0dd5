/** Payload of `onInject`: what the chaos policy did to one call. */
export interface ChaosInjectEvent {
  /** `latency` (a delay before the call), `error` (thrown instead) or `outcome` (returned instead). */
  readonly kind: 'latency' | 'error' | 'outcome';
  /** The attempt number the call ran under. */
  readonly attempt: number;
  /** The delay, for `latency`. */
  readonly latencyMs?: number;
}
