import type { Client, ClientOptions } from '@sentinel/client';
import { type Clock, optionChecker } from '@sentinel/core';
import type { SetupContext } from '../pool/options.ts';
import { checkSignal } from '../pool/signal.ts';
import type { TaskContext } from '../pool/task.ts';
import type { LoadTestProgress } from './report.ts';

/** The worker state of the default setup: one client per worker. */
export interface LoadTestWorker {
  readonly client: Client;
}

/** How long a phase runs: a number of requests per worker, or a duration. */
export interface PhaseLength {
  /**
   * Requests each worker makes (the total is `workers × requestsPerWorker`): an integer >= 1.
   * @default none (see `durationMs`)
   */
  readonly requestsPerWorker?: number | undefined;
  /**
   * Milliseconds to run: a number > 0.
   * @default 10_000 when neither this nor `requestsPerWorker` is given
   */
  readonly durationMs?: number | undefined;
}

/** Options of {@link loadTest}. */
export interface LoadTestOptions<W = LoadTestWorker> extends PhaseLength {
  /**
   * The URL each request GETs with the worker's client (absolute http or https). Exclusive with `request`.
   * @default none (exactly one of `url` and `request`)
   */
  readonly url?: string | URL | undefined;
  /**
   * One request: gets the worker's state and `{ signal, workerIndex }`. What it resolves to is a
   * success (its `status` and `attempts` are counted when present); what it throws is a failure.
   * @default `worker.client.get(url)`
   */
  readonly request?: ((worker: W, context: TaskContext) => unknown) | undefined;
  /**
   * Workers, each with its own state (client) and at most one request in flight: an integer >= 1.
   * @default 10
   */
  readonly workers?: number | undefined;
  /**
   * Total requests per second for an open model: requests start on a schedule whatever the
   * server does, and latency runs from the scheduled start (corrected for coordinated omission).
   * In-flight requests stay capped at `workers`. Without it, a closed model. A number > 0.
   * @default none (a closed model)
   */
  readonly rate?: number | undefined;
  /**
   * Builds worker `index`'s state.
   * @default one `createClient(clientOptions)` per worker, as `{ client }`
   */
  readonly setup?: ((index: number, context: SetupContext) => W | Promise<W>) | undefined;
  /**
   * Releases a worker's state at the end.
   * @default closes the state or its closeable properties (the default setup's client)
   */
  readonly teardown?: ((worker: W, index: number) => unknown) | undefined;
  /**
   * Options of each worker's client in the default setup. A function of the worker index builds
   * each worker's own policies (retry, breaker, rate limit) — and shares one deliberately by
   * closing over it. A plain object may not hold policy instances or a dispatcher, which would
   * be shared by every worker by accident; a `breaker` factory is fine (each client calls it).
   * @default {}
   */
  readonly clientOptions?: ClientOptions | ((workerIndex: number) => ClientOptions) | undefined;
  /**
   * A warm-up phase before measuring (same model and rate), not counted in the report.
   * @default none
   */
  readonly warmup?: PhaseLength | undefined;
  /**
   * Aborting it stops the run: in-flight requests are aborted and the report covers what had ended (`aborted: true`).
   * @default none
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called about every 250 ms (on `clock`) while measuring, and once at the end.
   * @default none
   */
  readonly onProgress?: ((progress: LoadTestProgress) => void) | undefined;
  /**
   * Time for latencies, the schedule and progress.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

export interface ResolvedPhase {
  readonly requestsPerWorker: number | undefined;
  readonly durationMs: number | undefined;
}

export interface ResolvedLoadTestOptions<W> {
  readonly url: string | undefined;
  readonly request: ((worker: W, context: TaskContext) => unknown) | undefined;
  readonly workers: number;
  readonly phase: ResolvedPhase;
  readonly rate: number | undefined;
  readonly setup: ((index: number, context: SetupContext) => W | Promise<W>) | undefined;
  readonly teardown: ((worker: W, index: number) => unknown) | undefined;
  readonly clientOptions: ClientOptions | ((workerIndex: number) => ClientOptions) | undefined;
  readonly warmup: ResolvedPhase | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((progress: LoadTestProgress) => void) | undefined;
  readonly clock: Clock;
}

const check = optionChecker('loadTest');
const KNOWN = [
  'url',
  'request',
  'workers',
  'requestsPerWorker',
  'durationMs',
  'rate',
  'setup',
  'teardown',
  'clientOptions',
  'warmup',
  'signal',
  'onProgress',
  'clock',
];
// Client options that hold state: in a plain object they would be shared by every worker.
const SHARED_IF_OBJECT = ['retry', 'rateLimit', 'policies', 'dispatcher'] as const;
const DEFAULT_DURATION_MS = 10_000;

function resolvePhase(prefix: string, value: PhaseLength, fallbackDurationMs: number | undefined): ResolvedPhase {
  const rpw = value.requestsPerWorker;
  const duration = value.durationMs;
  if (rpw !== undefined && duration !== undefined) {
    check.fail(
      `${prefix}durationMs`,
      duration,
      `undefined when "${prefix}requestsPerWorker" is given (one or the other)`,
    );
  }
  return {
    requestsPerWorker: rpw === undefined ? undefined : check.integer(`${prefix}requestsPerWorker`, rpw, { min: 1 }),
    durationMs:
      rpw === undefined && duration === undefined
        ? fallbackDurationMs
        : duration === undefined
          ? undefined
          : check.number(`${prefix}durationMs`, duration, { greaterThan: 0 }),
  };
}

function resolveUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : value instanceof URL ? value : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return check.fail('url', value, 'an absolute http(s) URL');
  }
  return url.href;
}

function checkClientOptions(value: unknown): ClientOptions | ((workerIndex: number) => ClientOptions) | undefined {
  if (value === undefined || typeof value === 'function') return value as never;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return check.fail('clientOptions', value, 'a ClientOptions object or a function (workerIndex) => ClientOptions');
  }
  const options = value as Record<string, unknown>;
  for (const key of SHARED_IF_OBJECT) {
    if (options[key] !== undefined) {
      check.fail(
        `clientOptions.${key}`,
        options[key],
        'absent from a plain object (every worker would share it): pass clientOptions as (workerIndex) => ClientOptions',
      );
    }
  }
  if (options.breaker !== undefined && typeof options.breaker !== 'function') {
    check.fail(
      'clientOptions.breaker',
      options.breaker,
      'a factory (origin) => breaker in a plain object (a breaker or group would be shared by every worker: pass clientOptions as (workerIndex) => ClientOptions)',
    );
  }
  return value as ClientOptions;
}

/** @throws ConfigError naming the option, the value and what is allowed. */
export function resolveLoadTestOptions<W>(options: LoadTestOptions<W>): ResolvedLoadTestOptions<W> {
  if (options === undefined) check.fail('options', options, 'an options object with "url" or "request"');
  const o = check.options(options, KNOWN);
  if (o.url === undefined && o.request === undefined)
    check.fail('url', o.url, 'a URL, or a "request" function instead');
  if (o.url !== undefined && o.request !== undefined) {
    check.fail('request', o.request, 'undefined when "url" is given (one or the other)');
  }
  const url = o.url === undefined ? undefined : resolveUrl(o.url);
  const request =
    o.request === undefined
      ? undefined
      : check.function<(worker: W, context: TaskContext) => unknown>('request', o.request);
  if (o.setup !== undefined && o.clientOptions !== undefined) {
    check.fail('clientOptions', o.clientOptions, 'undefined when "setup" is given (it builds the workers itself)');
  }
  let warmup: ResolvedPhase | undefined;
  if (o.warmup !== undefined) {
    const w = o.warmup as Record<string, unknown>;
    const keys = typeof w === 'object' && w !== null && !Array.isArray(w) ? Object.keys(w) : [];
    if (
      keys.length === 0 ||
      keys.some((key) => key !== 'requestsPerWorker' && key !== 'durationMs') ||
      (w.requestsPerWorker === undefined && w.durationMs === undefined)
    ) {
      check.fail('warmup', o.warmup, 'an object with "requestsPerWorker" or "durationMs"');
    }
    warmup = resolvePhase('warmup.', w as PhaseLength, undefined);
  }
  return {
    url,
    request,
    workers: check.integer('workers', o.workers, { min: 1, max: 100_000 }, 10),
    phase: resolvePhase('', o, DEFAULT_DURATION_MS),
    rate: o.rate === undefined ? undefined : check.number('rate', o.rate, { greaterThan: 0, max: 10_000_000 }),
    setup:
      o.setup === undefined ? undefined : check.function<NonNullable<LoadTestOptions<W>['setup']>>('setup', o.setup),
    teardown:
      o.teardown === undefined
        ? undefined
        : check.function<NonNullable<LoadTestOptions<W>['teardown']>>('teardown', o.teardown),
    clientOptions: checkClientOptions(o.clientOptions),
    warmup,
    signal: checkSignal(check, o.signal),
    onProgress:
      o.onProgress === undefined
        ? undefined
        : check.function<NonNullable<LoadTestOptions<W>['onProgress']>>('onProgress', o.onProgress),
    clock: check.clock('clock', o.clock),
  };
}
