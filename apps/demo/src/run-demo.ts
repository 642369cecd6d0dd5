import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '@sentinel/core';
import { leakCheck, resourcesNow } from './leaks.ts';
import type { Instrument } from './metrics.ts';
import { type GatewayOptions, runGateway } from './phases/gateway.ts';
import { type LoadOptions, runLoad } from './phases/load.ts';
import {
  type Check,
  PHASE_NAMES,
  type PhaseContext,
  type PhaseName,
  type PhaseProgress,
  type PhaseResult,
} from './phases/phase.ts';
import { runScraper, type ScraperOptions } from './phases/scraper.ts';

/** Options of {@link runDemo}: what the flags set, plus the sizes tests shrink. */
export interface DemoOptions {
  /** The phases to run, in this order. @default all three */
  readonly phases: readonly PhaseName[];
  /** Seeds the chaos servers, the callers' choices and the retries' jitter. @default 7 */
  readonly seed: number;
  /** Share of requests the embedded servers fail transiently (503s, resets), in [0, 1). @default 0.1 */
  readonly failureRate: number;
  /** Run against this server instead of the embedded chaos servers (nothing is injected into it). */
  readonly target?: URL | undefined;
  readonly scraper: Omit<ScraperOptions, 'outFile'>;
  readonly gateway: GatewayOptions;
  readonly load: LoadOptions;
  /** Where the scraper's NDJSON goes. @default a new folder under the OS's temporary folder */
  readonly outDir?: string;
  /** Aborting it stops sending: the phase running reports what it has, the others do not run. */
  readonly signal?: AbortSignal;
  /**
   * Gets every breaker, retry, limiter and pool the phases build, with a name (`gateway/limiter`):
   * how `/metrics` sees them.
   * @default nothing is instrumented
   */
  readonly instrument?: Instrument;
  /** Called about 4 times a second while a phase runs, and once when each phase ends. */
  readonly onUpdate?: (update: DemoUpdate) => void;
  /**
   * Sockets the caller holds open meanwhile that the leak check must not count (the dashboard's).
   * @default () => 0
   */
  readonly foreignSockets?: () => number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The sizes of `pnpm demo` (about a minute on a 2-core machine); `--full` raises the load test to the seed's 1,000. */
export const DEFAULT_SIZES = Object.freeze({
  scraper: Object.freeze({ workers: 8, urls: 3_000, pagesPerSecond: 1_000 }),
  gateway: Object.freeze({
    workers: 16,
    callers: 50,
    maxQueue: 32,
    durationMs: 12_000,
    outageMs: 2_000,
    burstMs: 700,
    requestsPerSecond: 1_000,
    thinkMs: Object.freeze({ min: 20, max: 120 }),
  }),
  load: Object.freeze({ workers: 100, requestsPerWorker: 100 }),
});

/** What {@link DemoOptions.onUpdate} gets. */
export interface DemoUpdate {
  /** The phases that have ended, in order. */
  readonly finished: readonly PhaseResult[];
  /** The phase running now: its counters. */
  readonly progress: PhaseProgress | undefined;
  /** The whole run so far, built on demand (the running phase included). */
  readonly snapshot: () => DemoResult;
}

/** The whole run: every phase's result and every guarantee. Plain JSON (what `--json` prints). */
export interface DemoResult {
  readonly seed: number;
  readonly failureRate: number;
  /** The `--target`, or `null` for the embedded chaos servers. */
  readonly target: string | null;
  readonly status: 'running' | 'finished' | 'interrupted';
  readonly phases: readonly PhaseResult[];
  /** Every phase's checks, then the run's own (no socket or timer left). */
  readonly guarantees: readonly Check[];
  /** Every checked guarantee held. */
  readonly ok: boolean;
  /** The scraper's NDJSON file, when the scraper ran. */
  readonly ndjson: string | null;
}

function summarize(
  options: DemoOptions,
  status: DemoResult['status'],
  phases: readonly PhaseResult[],
  extra: readonly Check[],
  ndjson: string | null,
): DemoResult {
  const guarantees = [...phases.flatMap((phase) => phase.checks), ...extra];
  return {
    seed: options.seed,
    failureRate: options.failureRate,
    target: options.target?.href ?? null,
    status,
    phases,
    guarantees,
    ok: guarantees.every((check) => check.ok),
    ndjson,
  };
}

/**
 * Runs the chosen phases one after the other against embedded seeded chaos servers on 127.0.0.1
 * (or the `target`), then checks that no socket or timer was left behind. Resolves with the
 * whole result, partial when `signal` aborted (`status: 'interrupted'`).
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const foreign = options.foreignSockets ?? (() => 0);
  const before = resourcesNow(foreign);
  const done: PhaseResult[] = [];
  let ndjson: string | null = null;
  const update = (progress: PhaseProgress | undefined, current: (() => PhaseResult) | undefined) => {
    const finished = [...done];
    options.onUpdate?.({
      finished,
      progress,
      snapshot: () =>
        summarize(options, 'running', current === undefined ? finished : [...finished, current()], [], ndjson),
    });
  };
  const ctx: PhaseContext = {
    seed: options.seed,
    failureRate: options.failureRate,
    target: options.target,
    clock,
    signal,
    instrument: options.instrument ?? (() => {}),
    onTick: (progress, snapshot) => update(progress, snapshot),
  };
  const order = PHASE_NAMES.filter((name) => options.phases.includes(name));
  for (const name of order) {
    if (signal.aborted) break;
    if (name === 'scraper') {
      ndjson = join(options.outDir ?? mkdtempSync(join(tmpdir(), 'sentinel-demo-')), 'scraper.ndjson');
      done.push(await runScraper(ctx, { ...options.scraper, outFile: ndjson }));
    } else if (name === 'gateway') done.push(await runGateway(ctx, options.gateway));
    else done.push(await runLoad(ctx, options.load));
    update(undefined, undefined);
  }
  const leaks = await leakCheck(before, foreign, clock);
  return summarize(options, signal.aborted ? 'interrupted' : 'finished', done, [leaks], ndjson);
}
