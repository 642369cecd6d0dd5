/**
 * The one interface every trigger implements. A {@link Trigger} is a reusable, immutable
 * description (`consecutive({ threshold: 5 })`); each breaker asks it for its own
 * {@link TriggerWindow}, the mutable counters, so one trigger value can configure many breakers
 * (a `breakerGroup`'s `create`).
 *
 * Windows never start timers: a time window rotates its buckets from the `now` it is given when
 * a call is recorded or its metrics are read.
 */
export interface Trigger {
  /** Which trigger this is; also the `kind` of its snapshot. */
  readonly kind: string;
  /**
   * Calls that take at least this long count as slow, or `undefined` when the trigger does not
   * look at durations. The breaker only reads the clock around calls when this is set.
   */
  readonly slowCallMs: number | undefined;
  /** Whether {@link TriggerWindow.record} needs the current time (time windows). */
  readonly needsTime: boolean;
  /** Fresh counters for one breaker. */
  create(): TriggerWindow;
}

/** Counters of one breaker, as a trigger sees them. */
export interface TriggerWindow {
  /**
   * Records one counted call (ignored calls never reach the window). Returns `true` when the
   * breaker should open.
   */
  record(failed: boolean, slow: boolean, now: number): boolean;
  /** Forgets every recorded call (the breaker closed or was reset). */
  reset(): void;
  /** What the window holds at `now`, for `status()`. */
  metrics(now: number): TriggerMetrics;
  /** A JSON-serialisable copy of the counters, for `toJSON()`. */
  snapshot(now: number): TriggerSnapshot;
  /**
   * Loads counters from a snapshot made by the same kind of trigger.
   * @throws ConfigError (option `initialState.window...`) when the snapshot does not fit.
   */
  restore(snapshot: unknown, now: number): void;
}

/** What a window holds; rates are fractions in [0, 1]. */
export interface TriggerMetrics {
  /** Calls counted in the window (for `consecutive`, the current run of failures). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** `failures / calls`, 0 when the window is empty. */
  readonly failureRate: number;
  /** `slowCalls / calls`, 0 when the window is empty. */
  readonly slowCallRate: number;
}

/** A trigger's counters as plain JSON; `kind` names the trigger that wrote it. */
export interface TriggerSnapshot {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export function metricsOf(calls: number, failures: number, slowCalls: number): TriggerMetrics {
  return {
    calls,
    failures,
    slowCalls,
    failureRate: calls === 0 ? 0 : failures / calls,
    slowCallRate: calls === 0 ? 0 : slowCalls / calls,
  };
}
