import type { LatencySummary, PercentilePoint } from '../latency/latency-histogram.ts';

/** One worker's share of a load test. */
export interface WorkerReport {
  readonly index: number;
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Attempts its client sent (retries included). */
  readonly attempts: number;
  readonly retries: number;
  /** Its latencies, in ms (2 significant digits). */
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
}

/** One second of a load test, by completion time (second 0 starts when measuring starts). */
export interface TimelineEntry {
  readonly second: number;
  /** Requests that completed in this second. */
  readonly requests: number;
  readonly ok: number;
  readonly failed: number;
  /** Retries the clients made in this second (sampled every 250 ms for clients with `status()`). */
  readonly retries: number;
  /** Latency percentiles of this second's requests, in ms; `null` for a second in which none completed. */
  readonly p50: number | null;
  readonly p99: number | null;
  /** Failed requests by error code in this second (empty when none). */
  readonly errors: Readonly<Record<string, number>>;
}

/** A circuit breaker changed state during the measured run. */
export interface BreakerTransition {
  /** Milliseconds since measuring started. */
  readonly atMs: number;
  readonly workerIndex: number;
  /** The breaker's origin (`'*'` for a breaker shared by every origin of the client). */
  readonly origin: string;
  readonly from: string;
  readonly to: string;
}

/**
 * What `loadTest` returns: plain JSON (a field that does not apply to the run is absent; a
 * measurement without samples is `null` or 0). Latencies are in ms from HDR histograms
 * (3 significant digits), every percentile clamped to the exact max. The text table
 * (`formatReport`), the CLI's JSON and HTML page, and the demo's charts are renderings of it.
 */
export interface LoadTestReport {
  /** `'closed'`: each worker sends its next request when the last one ended. `'open'`: requests start on a schedule (`rate`). */
  readonly model: 'closed' | 'open';
  readonly workers: number;
  /** The requested total rate, requests per second (open model only). */
  readonly rate?: number;
  /** The URL under test, when `url` was given. */
  readonly url?: string;
  /** The run was stopped by its signal: the report covers the requests that had ended by then. */
  readonly aborted: boolean;
  /** Requests that ended (succeeded or failed); warm-up requests are not counted. */
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  /** `succeeded / requests`, a fraction in [0, 1] (1 when no request ran). */
  readonly successRate: number;
  /** Final responses by status code (successes and HTTP errors). */
  readonly statuses: Readonly<Record<string, number>>;
  /** Failed requests by error code (`SENTINEL_HTTP_ERROR:503`, `SENTINEL_NETWORK:ECONNRESET`, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /** Attempts sent, retries included. */
  readonly attempts: number;
  /** `attempts` beyond the first of each request. */
  readonly retries: number;
  /** Requests per second over `elapsedMs`. */
  readonly throughput: number;
  /** From the first measured request's start to the last one's end. */
  readonly elapsedMs: number;
  /**
   * Latency per request. In the open model it runs from the request's scheduled start, so time
   * spent waiting for a free worker counts (corrected for coordinated omission).
   */
  readonly latencyMs: LatencySummary;
  /** Open model only: from the moment a worker actually started the request (uncorrected). */
  readonly serviceTimeMs?: LatencySummary;
  /** The percentile curve of `latencyMs` (HdrHistogram-style points up to 100 % = max). */
  readonly latencyDistribution: readonly PercentilePoint[];
  readonly perWorker: readonly WorkerReport[];
  /** One entry per second of the run, including seconds in which nothing completed. */
  readonly timeline: readonly TimelineEntry[];
  /** Breaker state changes seen while measuring, in time order. */
  readonly breakerTransitions: readonly BreakerTransition[];
}

/** Passed to `onProgress` about every 250 ms, and once at the end. */
export interface LoadTestProgress {
  /** Requests ended so far. */
  readonly done: number;
  /** Requests the run will make, or `null` when it runs for a duration in the closed model. */
  readonly total: number | null;
  readonly ok: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Requests ended per second since the previous report. */
  readonly rps: number;
}
