import type { Client } from '@sentinel/client';
import type {
  BreakerTransition,
  LoadTestReport,
  PercentilePoint,
  TimelineEntry,
  WorkerReport,
} from '@sentinel/workers';

/** The `code[:detail]` key of a failure, the scheme `client.status().failures` and `LoadTestReport.errors` use. */
export function errorKeyOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; status?: unknown; errorCode?: unknown; phase?: unknown } | null;
  let key = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'UNKNOWN';
  if (typeof e?.status === 'number') key += `:${e.status}`;
  else if (typeof e?.errorCode === 'string') key += `:${e.errorCode}`;
  else if (typeof e?.phase === 'string') key += `:${e.phase}`;
  return key;
}

function statusOf(outcome: unknown): number | undefined {
  const status = (outcome as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

const round = (ms: number): number => Math.round(ms * 1_000) / 1_000;

/** The value at `percentile` (0–100) of ascending `sorted`, by nearest rank; 0 when empty. */
function at(sorted: Float64Array, percentile: number): number {
  if (sorted.length === 0) return 0;
  // The epsilon keeps 99.9 % of 1,000 at rank 999 (floating point makes it 999.0000000000001).
  const rank = Math.ceil((percentile / 100) * sorted.length - 1e-9);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

const sortedOf = (values: readonly number[]): Float64Array => Float64Array.from(values).sort();

/** Durations kept exactly, in the order they were recorded. */
class Durations {
  readonly values: number[] = [];
  sum = 0;
  add(ms: number): void {
    this.values.push(ms);
    this.sum += ms;
  }
}

interface Second {
  requests: number;
  ok: number;
  failed: number;
  retries: number;
  readonly latency: Durations;
  readonly errors: Record<string, number>;
}

interface WorkerTally {
  requests: number;
  succeeded: number;
  readonly latency: Durations;
}

/**
 * What a phase built on `pool.map` or `pool.run` records, as the `LoadTestReport` that
 * `@sentinel/workers`' `loadTest` gives the load phase, so every phase is tabled and drawn by the
 * same code. These phases make a few thousand requests, so latencies are kept whole and their
 * percentiles are exact (nearest rank). Attempts and retries come from each worker's
 * `client.status()` (exact: a worker's client is its own).
 */
export class PhaseRecorder {
  readonly #startMs: number;
  readonly #clients: readonly (Client | undefined)[];
  readonly #latency = new Durations();
  readonly #workers: WorkerTally[];
  readonly #seconds: Second[] = [];
  readonly #statuses: Record<string, number> = {};
  readonly #errors: Record<string, number> = {};
  #succeeded = 0;
  #retriesSeen = 0;

  /** `clients[i]` is worker i's client (filled in by the pool's setup). */
  constructor(startMs: number, workers: number, clients: readonly (Client | undefined)[]) {
    this.#startMs = startMs;
    this.#clients = clients;
    this.#workers = Array.from({ length: workers }, () => ({ requests: 0, succeeded: 0, latency: new Durations() }));
  }

  get requests(): number {
    return this.#latency.values.length;
  }
  get succeeded(): number {
    return this.#succeeded;
  }
  get failed(): number {
    return this.requests - this.#succeeded;
  }
  /** Retries seen by the last {@link sample} (a floor of the true count while requests are in flight). */
  get retries(): number {
    return this.#retriesSeen;
  }

  #second(atMs: number): Second {
    const index = Math.max(0, Math.floor((atMs - this.#startMs) / 1_000));
    while (this.#seconds.length <= index) {
      this.#seconds.push({ requests: 0, ok: 0, failed: 0, retries: 0, latency: new Durations(), errors: {} });
    }
    return this.#seconds[index] as Second;
  }

  /**
   * A request ended at clock time `endMs` after `latencyMs`; `outcome` is its response or error;
   * `workerIndex` is the worker that ran it, or -1 when none did (refused by a full queue).
   */
  record(workerIndex: number, ok: boolean, outcome: unknown, latencyMs: number, endMs: number): void {
    const ms = Math.max(0, latencyMs);
    this.#latency.add(ms);
    const worker = this.#workers[workerIndex];
    if (worker !== undefined) {
      worker.requests++;
      if (ok) worker.succeeded++;
      worker.latency.add(ms);
    }
    const second = this.#second(endMs);
    second.requests++;
    second.latency.add(ms);
    const status = statusOf(outcome);
    if (status !== undefined) bump(this.#statuses, String(status));
    if (ok) {
      this.#succeeded++;
      second.ok++;
    } else {
      second.failed++;
      const key = errorKeyOf(outcome);
      bump(this.#errors, key);
      bump(second.errors, key);
    }
  }

  /**
   * Puts the clients' new retries into the second of `nowMs`. A client counts a request's
   * attempts when it ends, so `retries - inFlight` (summed) never overstates and is exact once
   * nothing is in flight; only its growth is added.
   */
  sample(nowMs: number): void {
    let floor = 0;
    for (const client of this.#clients) {
      const status = client?.status();
      if (status !== undefined) floor += status.retries - status.inFlight;
    }
    if (floor <= this.#retriesSeen) return;
    this.#second(nowMs).retries += floor - this.#retriesSeen;
    this.#retriesSeen = floor;
  }

  /** The report so far; `nowMs` ends the last (maybe partial) second. */
  report(nowMs: number, breakerTransitions: readonly BreakerTransition[], aborted: boolean): LoadTestReport {
    const elapsedMs = round(Math.max(0, nowMs - this.#startMs));
    this.#second(nowMs);
    const timeline: TimelineEntry[] = this.#seconds.map((s, second) => {
      const own = sortedOf(s.latency.values);
      return {
        second,
        requests: s.requests,
        ok: s.ok,
        failed: s.failed,
        retries: s.retries,
        p50: s.requests === 0 ? null : round(at(own, 50)),
        p99: s.requests === 0 ? null : round(at(own, 99)),
        errors: { ...s.errors },
      };
    });
    let attempts = 0;
    let retries = 0;
    const perWorker: WorkerReport[] = this.#workers.map((worker, index) => {
      const status = this.#clients[index]?.status();
      attempts += status?.attempts ?? 0;
      retries += status?.retries ?? 0;
      const sorted = sortedOf(worker.latency.values);
      return {
        index,
        requests: worker.requests,
        succeeded: worker.succeeded,
        failed: worker.requests - worker.succeeded,
        attempts: status?.attempts ?? 0,
        retries: status?.retries ?? 0,
        latencyMs: {
          p50: round(at(sorted, 50)),
          p99: round(at(sorted, 99)),
          max: round(at(sorted, 100)),
          mean: worker.requests === 0 ? 0 : round(worker.latency.sum / worker.requests),
        },
      };
    });
    const sorted = sortedOf(this.#latency.values);
    const requests = sorted.length;
    return {
      model: 'closed',
      workers: this.#workers.length,
      aborted,
      requests,
      succeeded: this.#succeeded,
      failed: requests - this.#succeeded,
      successRate: requests === 0 ? 1 : this.#succeeded / requests,
      statuses: { ...this.#statuses },
      errors: { ...this.#errors },
      attempts,
      retries,
      throughput: elapsedMs > 0 ? Math.round((requests / elapsedMs) * 1_000_000) / 1_000 : 0,
      elapsedMs,
      latencyMs: {
        p50: round(at(sorted, 50)),
        p90: round(at(sorted, 90)),
        p99: round(at(sorted, 99)),
        p999: round(at(sorted, 99.9)),
        max: round(at(sorted, 100)),
        mean: requests === 0 ? 0 : round(this.#latency.sum / requests),
      },
      latencyDistribution: distribution(sorted),
      perWorker,
      timeline,
      breakerTransitions: [...breakerTransitions],
    };
  }
}

/** 0 %, then four points per halving of the distance to 100 % down to one request's share, then the max. */
function distribution(sorted: Float64Array): PercentilePoint[] {
  if (sorted.length === 0) return [];
  const points: PercentilePoint[] = [];
  for (let tick = 0; ; tick++) {
    const remaining = 0.5 ** (tick / 4);
    if (remaining < 1 / sorted.length) break;
    const percentile = Math.round((1 - remaining) * 1e6) / 1e4;
    points.push({ percentile, ms: round(at(sorted, percentile)) });
  }
  points.push({ percentile: 100, ms: round(at(sorted, 100)) });
  return points;
}
