import { setMaxListeners } from 'node:events';
import { consecutive, isCircuitOpenError } from '@sentinel/breaker';
import { seededRandom } from '@sentinel/chaos';
import { isTimeoutError, type Outcome } from '@sentinel/core';
import { createWorkerPool, isQueueFullError } from '@sentinel/workers';
import {
  type GatewayEvidence,
  type GatewayFacts,
  gatewayChecks,
  gatewayFacts,
  type Job,
  type Span,
} from './gateway-evidence.ts';
import { HEADERS_MS, jobKind, PAYMENTS_HEADERS_MS, send } from './gateway-jobs.ts';
import { GatewaySchedule, RETRY_AFTER_SECONDS } from './gateway-schedule.ts';
import { countsOf, faultsText, type PhaseContext, type PhaseResult, ticker, type Window } from './phase.ts';
import { phaseWorkers } from './phase-workers.ts';
import { startUpstreams, statsOf, type Upstream } from './upstream.ts';

export type { GatewayFacts } from './gateway-evidence.ts';

/** Options of {@link runGateway}. */
export interface GatewayOptions {
  /** @default 16 */
  readonly workers: number;
  /** Simulated callers, each submitting a job, waiting for it, thinking, and again. @default 50 */
  readonly callers: number;
  /** Jobs that may wait for a free worker; one more is refused at once (`QueueFullError`). @default 32 */
  readonly maxQueue: number;
  /** How long callers keep coming. @default 12_000 */
  readonly durationMs: number;
  /** The payments upstream hangs for this long, starting at 30 % of the duration. @default 2_000 */
  readonly outageMs: number;
  /**
   * The catalog upstream answers 429 + `Retry-After: 1` for this long, from 70 % of the duration
   * (or a second after the outage, if that is later). @default 700
   */
  readonly burstMs: number;
  /** The limit every worker shares, requests per second. @default 1_000 */
  readonly requestsPerSecond: number;
  /** A caller's pause between two jobs, ms (uniform). @default { min: 20, max: 120 } */
  readonly thinkMs: { readonly min: number; readonly max: number };
}

/** Timeouts or dropped connections in a row that open a worker's breaker for an upstream. */
const BREAKER_THRESHOLD = 2;
/** How long an open breaker rejects before it lets a probe through. */
const HALF_OPEN_AFTER_MS = 500;
/** After the callers' time is up, the phase goes on (bounded) until every breaker has closed again. */
const RECOVERY_GRACE_MS = 3_000;

/**
 * What counts against a breaker here: a timeout, the failure that costs callers time. Answers
 * (503s) and dropped connections are the transient faults retries absorb; counting them too
 * would open breakers by chance (two resets in a row are 1 in 1,000 at 3 %).
 */
const isTimeout = (outcome: Outcome<unknown>): boolean => !outcome.ok && isTimeoutError(outcome.error);

/**
 * The seed's API gateway: `callers` simulated callers submit jobs with `pool.run` to `workers`
 * workers behind a bounded queue; each job calls one of three upstreams (catalog, orders,
 * payments), each an embedded seeded chaos server, so each worker has one breaker per upstream.
 * At 30 % of the run the payments upstream hangs for `outageMs`: the workers' payments breakers
 * open, callers get fast `CircuitOpenError`s instead of waiting for timeouts, catalog and orders
 * go on, and the breakers close after recovery. At 70 % the catalog upstream answers 429 with
 * Retry-After for `burstMs`: the first 429 pauses the limiter all workers share, so no more
 * requests go out into the burst.
 */
export async function runGateway(ctx: PhaseContext, options: GatewayOptions): Promise<PhaseResult<GatewayFacts>> {
  const { clock } = ctx;
  const upstreams = await startUpstreams(['catalog', 'orders', 'payments'], ctx);
  const [catalog, orders, payments] = upstreams as [Upstream, Upstream, Upstream];
  const embedded = ctx.target === undefined;
  const { startMs, log, instrument, bucket, recorder, setup } = phaseWorkers(ctx, {
    phase: 'gateway',
    workers: options.workers,
    names: new Map(upstreams.map((u) => [u.origin, embedded ? u.name : 'target'])),
    limit: { capacity: 100, refillPerSecond: options.requestsPerSecond },
    client: {
      // Five attempts: at 10 % transient faults, 1 request in 100,000 fails them all.
      maxAttempts: 5,
      backoff: { initialMs: 10, maxMs: 100 },
      // A caller is better served by a fast CircuitOpenError than by waiting for a probe.
      retryOpenBreaker: false,
      breaker: {
        trigger: () => consecutive({ threshold: BREAKER_THRESHOLD }),
        halfOpenAfterMs: HALF_OPEN_AFTER_MS,
        isFailure: isTimeout,
      },
      timeouts: { connectMs: 1_000, headersMs: HEADERS_MS, bodyIdleMs: 2_000, totalMs: 8_000 },
      connections: 2,
    },
  });
  const seconds = (ms: number) => Math.round((ms - startMs) / 10) / 100;
  const pool = await createWorkerPool({ workers: options.workers, maxQueue: options.maxQueue, clock, setup });
  instrument(pool, 'pool');

  const jobs: Job[] = [];
  let shed = 0;
  let status: PhaseResult['status'] = 'running';
  const endAt = startMs + options.durationMs;
  let pausedUntil: number | undefined;
  const tokens: [number, number][] = [];
  const queued: [number, number][] = [];
  const waiting: [number, number][] = [];
  const stop = new AbortController();
  // Every caller waits on it (a job, a pause): more listeners than Node's leak warning expects.
  setMaxListeners(2 * options.callers + 10, stop.signal);
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const schedule = new GatewaySchedule({
    clock,
    startMs,
    durationMs: options.durationMs,
    outageMs: options.outageMs,
    burstMs: options.burstMs,
    failureRate: ctx.failureRate,
    catalog,
    payments,
    signal: stop.signal,
  });

  const result = (): PhaseResult<GatewayFacts> => {
    const now = clock.now();
    const report = recorder.report(now, log.changes, status === 'interrupted');
    const servers = statsOf(upstreams);
    const evidence: GatewayEvidence = {
      startMs,
      nowMs: now,
      status,
      callers: options.callers,
      maxQueue: options.maxQueue,
      workers: options.workers,
      shed,
      jobs,
      report,
      servers,
      states: log.states(),
      outage: schedule.outage,
      burst: schedule.burst,
      paymentsTimeoutMs: PAYMENTS_HEADERS_MS,
      pausedUntil,
    };
    const facts = gatewayFacts(evidence);
    const windows: Window[] = [];
    if (facts.outage !== null) windows.push({ label: 'payments outage', from: facts.outage.from, to: facts.outage.to });
    if (facts.burst !== null)
      windows.push({ label: '429 burst (catalog)', from: facts.burst.from, to: facts.burst.to });
    return {
      name: 'gateway',
      title: 'API gateway',
      description:
        `${options.callers} callers submit jobs to ${options.workers} workers behind a queue of ${options.maxQueue} ` +
        `(pool.run); each job calls catalog, orders or payments, ${faultsText(ctx)}. ` +
        (embedded
          ? `Payments hangs for ${options.outageMs / 1_000} s midway; later catalog answers 429 with ` +
            `Retry-After: ${RETRY_AFTER_SECONDS} for ${options.burstMs} ms.`
          : ''),
      status,
      report,
      breakerStates: evidence.states,
      windows,
      events: [],
      series: [
        { name: 'limiter tokens', unit: 'tokens', points: [...tokens] },
        { name: 'jobs queued for a worker', unit: 'waiting', points: [...queued] },
        { name: 'requests waiting for the limiter', unit: 'waiting', points: [...waiting] },
      ],
      servers: countsOf(servers),
      upstreams: { catalog: catalog.origin, orders: orders.origin, payments: payments.origin },
      facts,
      checks: gatewayChecks(evidence, facts),
    };
  };

  const ticks = ticker(clock, () => {
    const now = clock.now();
    const t = seconds(now);
    recorder.sample(now);
    const limiter = bucket.status();
    if (schedule.burst !== undefined && limiter.pausedUntil !== null)
      pausedUntil = Math.max(pausedUntil ?? 0, limiter.pausedUntil);
    tokens.push([t, Math.round(limiter.tokens * 10) / 10]);
    waiting.push([t, limiter.waiting]);
    const inQueue = pool.stats().queued;
    queued.push([t, inQueue]);
    const spans: [string, Span | undefined][] = [
      ['payments outage', schedule.outage],
      ['429 burst', schedule.burst],
    ];
    ctx.onTick(
      {
        name: 'gateway',
        elapsedMs: now - startMs,
        done: recorder.requests,
        total: null,
        failed: recorder.failed,
        retries: recorder.retries,
        queued: inQueue,
        shed,
        openBreakers: log.states().filter((b) => b.state !== 'closed').length,
        now: spans.filter(([, span]) => span !== undefined && span.to === undefined).map(([label]) => label),
      },
      result,
    );
  });

  // The payments outage at 30 %, the 429 burst at 70 %.
  if (embedded) schedule.start();

  const allClosed = () => log.states().every((b) => b.state === 'closed');
  const caller = async (index: number) => {
    const random = seededRandom(ctx.seed * 7_919 + index);
    for (let n = 0; !stop.signal.aborted; n++) {
      const now = clock.now();
      if (now >= endAt && (now >= endAt + RECOVERY_GRACE_MS || !embedded || allClosed())) break;
      const kind = jobKind(random);
      const submitMs = now;
      let runMs = 0;
      let workerIndex = -1;
      try {
        const answer = await pool.run(
          async (worker, task) => {
            const started = clock.now();
            workerIndex = task.workerIndex;
            try {
              return await send(worker.client, kind, { catalog, orders, payments }, `${index}-${n}`, task.signal);
            } finally {
              runMs = clock.now() - started;
            }
          },
          { signal: stop.signal },
        );
        const endMs = clock.now();
        recorder.record(workerIndex, true, answer, endMs - submitMs, endMs);
        jobs.push({ kind, workerIndex, submitMs, endMs, runMs, ok: true, circuitOpen: false });
      } catch (error) {
        if (stop.signal.aborted) break;
        const endMs = clock.now();
        recorder.record(workerIndex, false, error, endMs - submitMs, endMs);
        if (isQueueFullError(error)) shed++;
        else {
          jobs.push({ kind, workerIndex, submitMs, endMs, runMs, ok: false, circuitOpen: isCircuitOpenError(error) });
        }
      }
      try {
        await clock.sleep(options.thinkMs.min + random() * (options.thinkMs.max - options.thinkMs.min), stop.signal);
      } catch {
        break;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.callers }, (_, i) => caller(i)));
    status = ctx.signal.aborted ? 'interrupted' : 'finished';
  } finally {
    stop.abort();
    ctx.signal.removeEventListener('abort', onAbort);
    await schedule.settled();
    // After Ctrl-C, running jobs are aborted rather than awaited.
    await pool.close(ctx.signal.aborted ? { signal: ctx.signal } : {});
    await ticks.stop();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  }
  return result();
}
