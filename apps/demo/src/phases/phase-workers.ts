import type { Client } from '@sentinel/client';
import { rateLimit, type TokenBucket, tokenBucket } from '@sentinel/ratelimit';
import { PhaseRecorder } from '../record/phase-recorder.ts';
import type { PhaseContext, PhaseName } from './phase.ts';
import { BreakerLog, type WorkerClientOptions, workerClient } from './worker-client.ts';

/** Options of {@link phaseWorkers}: what differs between the phases' workers. */
export interface PhaseWorkersOptions {
  /** Names the phase's policies for the metrics (`gateway/limiter`). */
  readonly phase: PhaseName;
  readonly workers: number;
  /** The upstream name of each origin, for the breaker log (`payments` rather than its URL). */
  readonly names: ReadonlyMap<string, string>;
  /** The token bucket behind the rate limit every worker shares. */
  readonly limit: { readonly capacity: number; readonly refillPerSecond: number };
  /** Each worker's client, but for what the phase's workers all share (limit, log, seed, clock). */
  readonly client: Pick<
    WorkerClientOptions,
    'maxAttempts' | 'backoff' | 'retryOpenBreaker' | 'breaker' | 'timeouts' | 'connections'
  >;
}

/** What a phase needs of its workers' making, before and while they run. */
export interface PhaseWorkers {
  /** Clock time the phase began: every time it reports is relative to it. */
  readonly startMs: number;
  readonly log: BreakerLog;
  /** `ctx.instrument`, with the phase's name in front of the policy's. */
  readonly instrument: (policy: object, name: string) => void;
  /** The shared limit's bucket, for the phase to sample. */
  readonly bucket: TokenBucket;
  /** Records each request; it reads each worker's client once `setup` has made it. */
  readonly recorder: PhaseRecorder;
  /** The pool's (or `loadTest`'s) `setup`: makes worker `workerIndex`'s own client and keeps it for the recorder. */
  readonly setup: (workerIndex: number) => { readonly client: Client };
}

/**
 * The part of a phase every phase builds the same way: the clock time it began, its breaker log,
 * the rate limit all its workers share (handed to the metrics as `phase/limiter`), a `setup` that
 * gives each worker its own {@link workerClient} on that limit, and the recorder that reads those
 * clients. Call it once the phase's upstreams are up: the phase's times start here.
 */
export function phaseWorkers(ctx: PhaseContext, options: PhaseWorkersOptions): PhaseWorkers {
  const { clock } = ctx;
  const startMs = clock.now();
  const log = new BreakerLog(startMs, options.names);
  const instrument = (policy: object, name: string) => ctx.instrument(policy, `${options.phase}/${name}`);
  const bucket = tokenBucket({ ...options.limit, clock });
  const shared = rateLimit({ limiter: bucket });
  instrument(shared, 'limiter');
  // Filled as the workers start; the recorder reads each client's counters when it samples.
  const clients: Client[] = new Array(options.workers);
  const recorder = new PhaseRecorder(startMs, options.workers, clients);
  const setup = (workerIndex: number) => {
    const client = workerClient({
      workerIndex,
      ...options.client,
      sharedLimit: shared,
      seed: ctx.seed,
      clock,
      log,
      instrument,
    });
    clients[workerIndex] = client;
    return { client };
  };
  return { startMs, log, instrument, bucket, recorder, setup };
}
