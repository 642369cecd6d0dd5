import { LatencyHistogram, roundMs } from '../latency/latency-histogram.ts';
import type { BreakerWatch } from './breaker-watch.ts';
import { attemptsOf, bump, errorKeyOf, statusCodeOf } from './outcome-fields.ts';
import type { LoadTestReport, WorkerReport } from './report.ts';
import { Timeline } from './timeline.ts';

interface ClientLike {
  status(): { attempts?: unknown; retries?: unknown; inFlight?: unknown; breakers?: unknown };
}

interface WorkerTally {
  requests: number;
  succeeded: number;
  failed: number;
  // Counted from outcomes, for workers without a client to ask.
  attempts: number;
  readonly latency: LatencyHistogram;
  readonly client: ClientLike | undefined;
  baseAttempts: number;
  baseRetries: number;
  // High-water mark of retries - inFlight: see sample().
  retriesSeen: number;
}

function clientOf(worker: unknown): ClientLike | undefined {
  const client = (worker as { client?: { status?: unknown } } | null | undefined)?.client;
  return typeof client?.status === 'function' ? (client as ClientLike) : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

// Statuses below this count in an array slot (an increment); any other integer in a Map.
const STATUS_SLOTS = 1_000;

/** Counts by status as the report's table (integer keys list in ascending order, as JSON objects do). */
function statusTable(
  slots: readonly number[],
  seen: readonly number[],
  others: ReadonlyMap<number, number>,
): Record<string, number> {
  const counts = new Map(others);
  for (const status of seen) counts.set(status, slots[status] as number);
  const table: Record<string, number> = {};
  for (const status of [...counts.keys()].sort((a, b) => a - b)) table[String(status)] = counts.get(status) as number;
  return table;
}

/** What the report needs that only the run knows. */
export interface RunFacts {
  readonly model: 'closed' | 'open';
  readonly rate: number | undefined;
  readonly url: string | undefined;
  readonly aborted: boolean;
  readonly elapsedMs: number;
}

/**
 * Everything a measured run records, bounded: HDR histograms (whole run, per worker, current
 * second), counters by status and error code, the timeline. Attempts come from each worker's
 * `client.status()` when it has a client (exact: the client is never shared), otherwise from the
 * `attempts` field of each outcome.
 */
export class Recorder {
  readonly #startMs: number;
  readonly #latency = new LatencyHistogram(3);
  readonly #service: LatencyHistogram | undefined;
  readonly #workers: WorkerTally[];
  readonly #timeline = new Timeline();
  // By number while running: no string per request.
  readonly #statusSlots: number[] = new Array<number>(STATUS_SLOTS).fill(0);
  // The slots in use, so the report reads a few, not all 1,000.
  readonly #statusesSeen: number[] = [];
  readonly #otherStatuses = new Map<number, number>();
  readonly #errors: Record<string, number> = {};
  readonly #breakers: BreakerWatch;
  #succeeded = 0;
  #failed = 0;
  #frozen = false;

  constructor(states: readonly unknown[], startMs: number, open: boolean, breakers: BreakerWatch) {
    this.#startMs = startMs;
    this.#service = open ? new LatencyHistogram(3) : undefined;
    this.#breakers = breakers;
    this.#workers = states.map((state) => {
      const client = clientOf(state);
      const status = client?.status();
      return {
        requests: 0,
        succeeded: 0,
        failed: 0,
        attempts: 0,
        latency: new LatencyHistogram(2),
        client,
        baseAttempts: count(status?.attempts),
        baseRetries: count(status?.retries),
        retriesSeen: count(status?.retries) - count(status?.inFlight),
      };
    });
  }

  get done(): number {
    return this.#succeeded + this.#failed;
  }
  get succeeded(): number {
    return this.#succeeded;
  }
  get failed(): number {
    return this.#failed;
  }

  /** Ignore what ends from now on (the run was aborted: those requests were cut short). */
  freeze(): void {
    this.#frozen = true;
  }

  /** One request ended at `endMs`; `serviceMs` only in the open model. */
  record(
    workerIndex: number,
    ok: boolean,
    outcome: unknown,
    latencyMs: number,
    serviceMs: number | undefined,
    endMs: number,
  ): void {
    if (this.#frozen) return;
    const worker = this.#workers[workerIndex] as WorkerTally;
    worker.requests++;
    this.#latency.record(latencyMs);
    worker.latency.record(latencyMs);
    if (serviceMs !== undefined) this.#service?.record(serviceMs);
    const status = statusCodeOf(outcome);
    if (status !== undefined) {
      if (status >= 0 && status < STATUS_SLOTS) {
        const count = this.#statusSlots[status] as number;
        if (count === 0) this.#statusesSeen.push(status);
        this.#statusSlots[status] = count + 1;
      } else this.#otherStatuses.set(status, (this.#otherStatuses.get(status) ?? 0) + 1);
    }
    let errorKey: string | undefined;
    if (ok) {
      this.#succeeded++;
      worker.succeeded++;
    } else {
      this.#failed++;
      worker.failed++;
      errorKey = errorKeyOf(outcome);
      bump(this.#errors, errorKey);
    }
    const atMs = endMs - this.#startMs;
    this.#timeline.request(atMs, ok, latencyMs, errorKey);
    if (worker.client === undefined) {
      const attempts = attemptsOf(outcome);
      worker.attempts += attempts;
      this.#timeline.retries(atMs, attempts - 1);
    }
  }

  /**
   * At each progress tick: retries since the last sample into the timeline, breaker states into
   * the watch. A client counts a request as attempted only when it ends, so `retries` alone
   * overstates while requests are in flight; `retries - inFlight` never overstates (an in-flight
   * request adds its attempts beyond the first, or -1 before its first) and is exact when
   * nothing is in flight. Its high-water mark only grows, and ends at the exact total.
   */
  sample(nowMs: number, sampleBreakers: boolean): void {
    const atMs = nowMs - this.#startMs;
    this.#workers.forEach((worker, index) => {
      if (worker.client === undefined) return;
      const status = worker.client.status();
      const floor = count(status.retries) - count(status.inFlight);
      if (floor > worker.retriesSeen) {
        if (!this.#frozen) this.#timeline.retries(atMs, floor - worker.retriesSeen);
        worker.retriesSeen = floor;
      }
      if (sampleBreakers) this.#breakers.sample(index, status.breakers);
    });
  }

  report(facts: RunFacts): LoadTestReport {
    let attempts = 0;
    let retries = 0;
    const perWorker: WorkerReport[] = this.#workers.map((worker, index) => {
      let workerAttempts = worker.attempts;
      let workerRetries = worker.attempts - worker.requests;
      if (worker.client !== undefined) {
        const status = worker.client.status();
        workerAttempts = count(status.attempts) - worker.baseAttempts;
        workerRetries = count(status.retries) - worker.baseRetries;
      }
      attempts += workerAttempts;
      retries += workerRetries;
      const latency = worker.latency;
      return {
        index,
        requests: worker.requests,
        succeeded: worker.succeeded,
        failed: worker.failed,
        attempts: workerAttempts,
        retries: workerRetries,
        latencyMs: {
          p50: latency.percentile(50),
          p99: latency.percentile(99),
          max: roundMs(latency.maxMs),
          mean: latency.mean(),
        },
      };
    });
    const requests = this.done;
    const elapsedMs = roundMs(Math.max(0, facts.elapsedMs));
    return {
      model: facts.model,
      workers: this.#workers.length,
      ...(facts.rate === undefined ? {} : { rate: facts.rate }),
      ...(facts.url === undefined ? {} : { url: facts.url }),
      aborted: facts.aborted,
      requests,
      succeeded: this.#succeeded,
      failed: this.#failed,
      successRate: requests === 0 ? 1 : this.#succeeded / requests,
      statuses: statusTable(this.#statusSlots, this.#statusesSeen, this.#otherStatuses),
      errors: this.#errors,
      attempts,
      retries,
      throughput: elapsedMs > 0 ? Math.round((requests / elapsedMs) * 1_000_000) / 1_000 : 0,
      elapsedMs,
      latencyMs: this.#latency.summary(),
      ...(this.#service === undefined ? {} : { serviceTimeMs: this.#service.summary() }),
      latencyDistribution: this.#latency.distribution(),
      perWorker,
      timeline: this.#timeline.finish(elapsedMs),
      breakerTransitions: this.#breakers.transitions,
    };
  }
}
