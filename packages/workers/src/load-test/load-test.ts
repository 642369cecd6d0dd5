import { createClient } from '@sentinel/client';
import { createWorkerPool } from '../pool/create-worker-pool.ts';
import type { SetupContext } from '../pool/options.ts';
import { BreakerWatch } from './breaker-watch.ts';
import {
  type LoadTestOptions,
  type LoadTestWorker,
  type ResolvedLoadTestOptions,
  type ResolvedPhase,
  resolveLoadTestOptions,
} from './options.ts';
import { openTotal, runPhase } from './phases.ts';
import { ProgressReporter } from './progress.ts';
import { Recorder } from './recorder.ts';
import type { LoadTestReport } from './report.ts';

const PROGRESS_EVERY_MS = 250;
const ignore = () => {};

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

  const phaseRun = (phase: ResolvedPhase, recorder: Recorder | undefined) =>
    runPhase({ pool, phase, rate: o.rate, request, clock, stop: stopper.signal, recorder });

  let report: LoadTestReport;
  try {
    if (o.warmup !== undefined) await phaseRun(o.warmup, undefined);
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
    await phaseRun(o.phase, measuring);
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
