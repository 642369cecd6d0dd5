import type { ChaosStats } from '@sentinel/chaos';
import { type LoadTestReport, loadTest } from '@sentinel/workers';
import {
  attemptsCheck,
  type Check,
  countsOf,
  faultsText,
  int,
  type PhaseContext,
  type PhaseResult,
  percent,
  ticker,
} from './phase.ts';
import { phaseWorkers } from './phase-workers.ts';
import { startUpstreams, statsOf } from './upstream.ts';
import { RIDE_OUT_FAULTS } from './worker-client.ts';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** @default 100 (the seed's) */
  readonly workers: number;
  /** Requests each worker sends, one after the other. @default 100 (`--full`: the seed's 1,000) */
  readonly requestsPerWorker: number;
}

/** What the load phase adds to its report. */
export interface LoadFacts {
  readonly requestsPerWorker: number;
  /** The URL the workers GET. */
  readonly url: string;
}

/**
 * The seed's load test: `loadTest` with `workers` workers, each with its own client, sending
 * `requestsPerWorker` GETs one after the other (closed model) through every layer, against a
 * server with transient faults. Its report has HDR latency percentiles; while it runs, each
 * request is also recorded here for the live page.
 */
export async function runLoad(ctx: PhaseContext, options: LoadOptions): Promise<PhaseResult<LoadFacts>> {
  const { clock } = ctx;
  const [server] = await startUpstreams(['server'], ctx);
  if (server === undefined) throw new Error('no upstream');
  const url = ctx.target?.href ?? `${server.origin}/load`;
  const {
    startMs,
    log,
    bucket,
    recorder: live,
    setup,
  } = phaseWorkers(ctx, {
    phase: 'load',
    workers: options.workers,
    names: new Map([[server.origin, ctx.target === undefined ? 'server' : 'target']]),
    // The layer is there, as in every phase, but generous: this phase measures the server and the clients.
    limit: { capacity: 1_000, refillPerSecond: 50_000 },
    client: {
      ...RIDE_OUT_FAULTS,
      timeouts: { connectMs: 2_000, headersMs: 5_000, bodyIdleMs: 5_000, totalMs: 20_000 },
      connections: 1,
    },
  });
  const tokens: [number, number][] = [];
  let final: LoadTestReport | undefined;
  let status: PhaseResult['status'] = 'running';

  const result = (): PhaseResult<LoadFacts> => {
    const now = clock.now();
    const report = final ?? live.report(now, log.changes, false);
    const servers = statsOf([server]);
    return {
      name: 'load',
      title: 'Load test',
      description:
        `${options.workers} workers × ${int(options.requestsPerWorker)} GETs each (loadTest, closed model), ` +
        `${faultsText(ctx)}; HDR latency percentiles.`,
      status,
      report,
      breakerStates: log.states(),
      windows: [],
      events: [],
      series: [{ name: 'limiter tokens', unit: 'tokens', points: [...tokens] }],
      servers: countsOf(servers),
      upstreams: { server: server.origin },
      facts: { requestsPerWorker: options.requestsPerWorker, url },
      checks: final === undefined ? [] : loadChecks(final, servers),
    };
  };

  const ticks = ticker(clock, () => {
    const now = clock.now();
    live.sample(now);
    tokens.push([Math.round((now - startMs) / 10) / 100, Math.round(bucket.status().tokens)]);
    ctx.onTick(
      {
        name: 'load',
        elapsedMs: now - startMs,
        done: live.requests,
        total: options.workers * options.requestsPerWorker,
        failed: live.failed,
        retries: live.retries,
      },
      result,
    );
  });
  try {
    final = await loadTest({
      workers: options.workers,
      requestsPerWorker: options.requestsPerWorker,
      clock,
      signal: ctx.signal,
      setup,
      request: async (worker, task) => {
        const started = clock.now();
        try {
          const response = await worker.client.get(url, { signal: task.signal });
          await response.bytes();
          const end = clock.now();
          live.record(task.workerIndex, true, response, end - started, end);
          return response;
        } catch (error) {
          const end = clock.now();
          live.record(task.workerIndex, false, error, end - started, end);
          throw error;
        }
      },
    });
    status = final.aborted ? 'interrupted' : 'finished';
  } catch (error) {
    // loadTest rejects at once only for an already-aborted signal or a bad option.
    if (!ctx.signal.aborted) throw error;
    status = 'interrupted';
  } finally {
    await ticks.stop();
    await server.close();
  }
  return result();
}

function loadChecks(report: LoadTestReport, servers: { readonly [name: string]: ChaosStats } | null): Check[] {
  return [
    {
      name: 'load: retryable success ≥ 99.9 % (every request is a GET)',
      ok: report.successRate >= 0.999,
      checked: true,
      detail: `${percent(report.successRate)} of ${int(report.requests)}`,
    },
    attemptsCheck('load', report.attempts, servers, report.aborted),
  ];
}
