/*
 * The report document: plain JSON, the contract between whoever measures (the CLI's `load`, the
 * demo's phases) and whoever draws (`renderReportHtml`, a live dashboard over Server-Sent
 * Events). Times on a phase's charts are seconds since that phase started; latencies are ms.
 */

/** Latency percentiles in ms, as `@sentinel/workers`' `LoadTestReport` gives them (HDR histogram). */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  readonly mean: number;
}

/** A phase's totals: the fields of a `LoadTestReport` the page shows (extra fields are ignored). */
export interface PhaseSummary {
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  /** A fraction in [0, 1]. */
  readonly successRate: number;
  /** Requests per second over the phase. */
  readonly throughput: number;
  readonly elapsedMs: number;
  readonly latencyMs: LatencySummary;
  /** Attempts sent (first ones included). */
  readonly attempts?: number;
  readonly retries?: number;
  /** Responses by status code. */
  readonly statuses?: Readonly<Record<string, number>>;
  /** Failed requests by error code. */
  readonly errors?: Readonly<Record<string, number>>;
}

/** One second (or other step) of a phase. `t` is the end of the step, in s since the phase began. */
export interface TimelinePoint {
  readonly t: number;
  /** Requests completed in the step. */
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  /** Retries (attempts beyond the first) in the step. */
  readonly retries?: number;
  /** p99 latency of the step, in ms. */
  readonly p99?: number;
}

/** A point of the latency distribution: `percentile` in [0, 100] (100 = max), `ms` at it. */
export interface PercentilePoint {
  readonly percentile: number;
  readonly ms: number;
}

/** The state a breaker was in from `from` to `to` (s since the phase began). */
export interface BreakerInterval {
  readonly from: number;
  readonly to: number;
  readonly state: 'open' | 'half-open' | 'closed';
}

/** One breaker's history: a worker's, or an origin's. Time not covered by an interval is closed. */
export interface BreakerTrack {
  /** `worker 3`, `http://127.0.0.1:8080`, ... */
  readonly name: string;
  readonly intervals: readonly BreakerInterval[];
}

/** A stretch of time worth shading on every chart of the phase (an outage, a burst of 429s). */
export interface MarkedWindow {
  readonly label: string;
  readonly from: number;
  readonly to: number;
}

/** A moment worth a vertical mark (a breaker opening, a deploy). */
export interface ReportEvent {
  readonly t: number;
  readonly label: string;
}

/** Any other series over time (limiter tokens, limiter waits): one chart per distinct `unit`. */
export interface ExtraSeries {
  readonly name: string;
  /** The y-axis unit: `tokens`, `ms`, `waiting callers`. */
  readonly unit: string;
  /** `[t, value]` pairs, `t` in s since the phase began. */
  readonly points: readonly (readonly [number, number])[];
}

/** One part of a run, drawn as one section of the page. */
export interface ReportPhase {
  readonly name: string;
  readonly description?: string;
  readonly summary: PhaseSummary;
  readonly timeline?: readonly TimelinePoint[];
  /** The latency curve; without it the page draws one from `summary.latencyMs`. */
  readonly latencyCurve?: readonly PercentilePoint[];
  readonly breakers?: readonly BreakerTrack[];
  readonly windows?: readonly MarkedWindow[];
  readonly events?: readonly ReportEvent[];
  readonly series?: readonly ExtraSeries[];
}

/** A checked promise about the run (`client attempts = server requests`) and whether it held. */
export interface Guarantee {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** The whole report: what `renderReportHtml` draws and what a live dashboard streams. */
export interface ReportDocument {
  readonly title: string;
  readonly subtitle?: string;
  /** An ISO date, shown in the footer. */
  readonly generatedAt?: string;
  /** `running` while a live run goes on, `finished` (the default) after. */
  readonly status?: 'running' | 'finished' | 'interrupted';
  readonly phases: readonly ReportPhase[];
  readonly guarantees?: readonly Guarantee[];
}
