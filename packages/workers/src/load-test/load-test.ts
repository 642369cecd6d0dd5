import { createClient } from '@sentinel/client';
import { type Clock, reportListenerError } from '@sentinel/core';
import type { WorkerPool } from '../pool/api.ts';
import { createWorkerPool } from '../pool/create-worker-pool.ts';
import type { SetupContext } from '../pool/options.ts';
import type { TaskContext } from '../pool/task.ts';
import { BreakerWatch } from './breaker-watch.ts';
import {
  type LoadTestOptions,
  type LoadTestWorker,
  type ResolvedLoadTestOptions,
  type ResolvedPhase,
  resolveLoadTestOptions,
} from './options.ts';
import { Recorder } from './recorder.ts';
import type { LoadTestProgress, LoadTestReport } from './report.ts';

const PROGRESS_EVERY_MS = 250;
const ignore = () => {};

/** Runs one request on a worker and records it (when measuring). Never throws. */
type Measure<W> = (worker: W, context: TaskContext, intendedStart: number | undefined) => Promise<void>;

function defaultSetup(
  options: ResolvedLoadTestOptions<LoadTestWorker>,
  watch: BreakerWatch,
): (index: number) => LoadTestWorker {
  const clientOptions = options.clientOptions;
  return (index) => {
    const resolved = typeof clientOptions === 'function' ? clientOptions(index) : (clientOptions ?? {});
    const breaker = watch.wrap(resolved?.breaker, index);
    return { client: createClient(breaker === undefined ? resolved : { ...resolved, breaker }) };
  };
}

/** The closed model: each worker sends its next request when its last one ended. */
async function runClosed<W>(
  pool: WorkerPool<W>,
  phase: ResolvedPhase,
  measure: Measure<W>,
  clock: Clock,
  stop: AbortSignal,
): Promise<void> {
  const end = phase.durationMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + phase.durationMs;
  let remaining =
    phase.requestsPerWorker === undefined ? Number.POSITIVE_INFINITY : phase.requestsPerWorker * pool.size;
  // One task function for every request: nothing to capture per request in this model.
  const task = (worker: W, context: TaskContext) => measure(worker, context, undefined);
  const loop = async () => {
    while (remaining > 0 && !stop.aborted && clock.now() < end) {
      remaining--;
      await pool.run(task).catch(ignore);
    }
  };
  await Promise.all(Array.from({ length: pool.size }, loop));
}

/** Requests an open-model phase makes: every scheduled start within the duration, or workers × requestsPerWorker. */
function openTotal(phase: ResolvedPhase, workers: number, rate: number): number {
  if (phase.requestsPerWorker !== undefined) return phase.requestsPerWorker * workers;
  return Math.max(1, Math.ceil(((phase.durationMs as number) * rate) / 1000));
}

/**
 * The open model: request k is due at start + k / rate whatever the server does. A due request
 * waits for a free worker (at most `workers` in flight); its latency still runs from when it was
 * due, so a stalled server shows in the latency instead of silently slowing the test down.
 */
async function runOpen<W>(
  pool: WorkerPool<W>,
  phase: ResolvedPhase,
  rate: number,
  measure: Measure<W>,
  clock: Clock,
  stop: AbortSignal,
): Promise<void> {
  const intervalMs = 1000 / rate;
  const total = openTotal(phase, pool.size, rate);
  const start = clock.now();
  let next = 0;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const ended = () => {
    inFlight--;
    const w = wake;
    wake = undefined;
    w?.();
  };
  while (next < total && !stop.aborted) {
    const due = start + next * intervalMs;
    const now = clock.now();
    if (due > now) {
      try {
        await clock.sleep(due - now, stop);
      } catch {
        break;
      }
      continue;
    }
    if (inFlight >= pool.size) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    next++;
    inFlight++;
    pool
      .run((worker, context) => measure(worker, context, due))
      .catch(ignore)
      .then(ended);
  }
  while (inFlight > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

/**
 * The seed's third pattern: `workers` workers, each with its own client (or the state `setup`
 * builds), send requests for `requestsPerWorker` each or for `durationMs`, in a closed model or,
 * with `rate`, an open model corrected for coordinated omission. Returns a JSON
 * {@link LoadTestReport}: counts by status and error, attempts and retries, HDR latency
 * percentiles and curve, per worker, per second, and the breaker transitions seen.
 *
 * @throws ConfigError (as a rejection) for an invalid option; `signal.reason` when the signal was
 * already aborted. An abort during the run resolves with the partial report (`aborted: true`).
 */
export async function loadTest<W = LoadTestWorker>(options: LoadTestOptions<W>): Promise<LoadTestReport> {
  const o = resolveLoadTestOptions(options);
  if (o.signal?.aborted) throw o.signal.reason;
  const clock = o.clock;
  const watch = new BreakerWatch(() => clock.now());
  const states: W[] = new Array(o.workers);
  const setup =
    o.setup ??
    (defaultSetup(o as unknown as ResolvedLoadTestOptions<LoadTestWorker>, watch) as unknown as typeof o.setup);
  // The default request passes no signal: an AbortSignal per request costs the client and undici
  // more CPU than the rest of the request's bookkeeping. An abort closes the clients instead.
  const request = o.request ?? ((worker: W) => (worker as LoadTestWorker).client.get(o.url as string));
  const pool = await createWorkerPool<W>({
    workers: o.workers,
    setup: async (index: number, context: SetupContext) => {
      const state = await (setup as NonNullable<typeof o.setup>)(index, context);
      states[index] = state;
      return state;
    },
    ...(o.teardown === undefined ? {} : { teardown: o.teardown }),
    clock,
  });

  const stopper = new AbortController();
  let recorder: Recorder | undefined;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    recorder?.freeze();
    stopper.abort(o.signal?.reason);
    // Aborts the requests in flight (ctx.signal of a custom request; closing the default
    // clients ends theirs); once their tasks settle, the workers are torn down.
    void pool.close({ signal: AbortSignal.abort(o.signal?.reason) }).catch(ignore);
    if (o.setup === undefined) {
      for (const state of states) void (state as LoadTestWorker | undefined)?.client.close().catch(ignore);
    }
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  // Aborted while the workers were being built: the listener above will never fire.
  if (o.signal?.aborted) onAbort();

  const measure: Measure<W> = async (worker, context, intendedStart) => {
    const started = clock.now();
    let ok = true;
    let outcome: unknown;
    try {
      outcome = await request(worker, context);
    } catch (error) {
      ok = false;
      outcome = error;
    }
    const end = clock.now();
    recorder?.record(
      context.workerIndex,
      ok,
      outcome,
      end - (intendedStart ?? started),
      intendedStart === undefined ? undefined : end - started,
      end,
    );
  };
  const runPhase = (phase: ResolvedPhase) =>
    o.rate === undefined
      ? runClosed(pool, phase, measure, clock, stopper.signal)
      : runOpen(pool, phase, o.rate, measure, clock, stopper.signal);

  let report: LoadTestReport;
  try {
    if (o.warmup !== undefined) await runPhase(o.warmup);
    report = await measuredPhase();
  } catch (error) {
    o.signal?.removeEventListener('abort', onAbort);
    await pool.close().catch(ignore);
    throw error;
  }
  o.signal?.removeEventListener('abort', onAbort);
  // A teardown failure rejects: the workers' resources may not have been released.
  await pool.close();
  return report;

  async function measuredPhase(): Promise<LoadTestReport> {
    const sampleBreakers = o.setup !== undefined;
    const start = clock.now();
    const measuring = new Recorder(states, start, o.rate !== undefined, watch);
    // A first sample is the baseline: breaker states and retries from before the measured run.
    measuring.sample(start, sampleBreakers);
    watch.start(start);
    recorder = measuring;
    if (aborted) measuring.freeze();
    const total =
      o.phase.requestsPerWorker !== undefined
        ? o.phase.requestsPerWorker * o.workers
        : o.rate !== undefined
          ? openTotal(o.phase, o.workers, o.rate)
          : null;
    const progress = new ProgressReporter(measuring, start, total, o.onProgress);
    const ticker = new AbortController();
    const ticking = (async () => {
      while (!ticker.signal.aborted) {
        try {
          await clock.sleep(PROGRESS_EVERY_MS, ticker.signal);
        } catch {
          return;
        }
        const now = clock.now();
        measuring.sample(now, sampleBreakers);
        progress.report(now);
      }
    })();
    await runPhase(o.phase);
    const end = clock.now();
    ticker.abort();
    await ticking;
    measuring.sample(end, sampleBreakers);
    progress.report(end);
    return measuring.report({
      model: o.rate === undefined ? 'closed' : 'open',
      rate: o.rate,
      url: o.url,
      aborted,
      elapsedMs: end - start,
    });
  }
}

/** Builds `onProgress` payloads; a throwing listener is reported, never breaks the run. */
class ProgressReporter {
  readonly #recorder: Recorder;
  readonly #start: number;
  readonly #total: number | null;
  readonly #listener: ((progress: LoadTestProgress) => void) | undefined;
  #lastDone = 0;
  #lastAt: number;

  constructor(
    recorder: Recorder,
    start: number,
    total: number | null,
    listener: ((progress: LoadTestProgress) => void) | undefined,
  ) {
    this.#recorder = recorder;
    this.#start = start;
    this.#lastAt = start;
    this.#total = total;
    this.#listener = listener;
  }

  report(now: number): void {
    if (this.#listener === undefined) return;
    const done = this.#recorder.done;
    const seconds = (now - this.#lastAt) / 1000;
    const progress: LoadTestProgress = {
      done,
      total: this.#total,
      ok: this.#recorder.succeeded,
      failed: this.#recorder.failed,
      elapsedMs: now - this.#start,
      rps: seconds > 0 ? (done - this.#lastDone) / seconds : 0,
    };
    this.#lastDone = done;
    this.#lastAt = now;
    try {
      this.#listener(progress);
    } catch (error) {
      reportListenerError(error);
    }
  }
}
