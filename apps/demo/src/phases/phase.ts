import type { ChaosStats } from '@sentinel/chaos';
import type { Clock } from '@sentinel/core';
import type { LoadTestReport } from '@sentinel/workers';
import type { Instrument } from '../metrics.ts';

/** The three patterns of the seed, in the order the demo runs them. */
export const PHASE_NAMES = ['scraper', 'gateway', 'load'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

/** A breaker of a worker's client (one per origin) and its state. */
export interface BreakerState {
  readonly workerIndex: number;
  /** The upstream's name (`payments`), or its origin. */
  readonly origin: string;
  readonly state: string;
}

/** A checked promise about a phase, and whether it held; `checked: false` when it could not be judged (a `--target`). */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly checked: boolean;
  readonly detail: string;
}

/** A stretch of a phase worth shading (an outage), in seconds since the phase began. */
export interface Window {
  readonly label: string;
  readonly from: number;
  readonly to: number;
}

/** A series sampled over the phase: `[seconds since the phase began, value]`. */
export interface Series {
  readonly name: string;
  readonly unit: string;
  readonly points: readonly (readonly [number, number])[];
}

/** What a phase reports, while it runs (`status: 'running'`) and at its end. */
export interface PhaseResult<F = unknown> {
  readonly name: PhaseName;
  readonly title: string;
  readonly description: string;
  readonly status: 'running' | 'finished' | 'interrupted';
  /** The phase's requests, as `@sentinel/workers` reports a load test (breaker transitions included). */
  readonly report: LoadTestReport;
  /** Each breaker's state at the end (or now). */
  readonly breakerStates: readonly BreakerState[];
  readonly windows: readonly Window[];
  readonly events: readonly { readonly t: number; readonly label: string }[];
  readonly series: readonly Series[];
  /** Each embedded server's own counts by upstream name; `null` against a `--target`. */
  readonly servers: Readonly<Record<string, ServerCounts>> | null;
  /** The upstream names and origins the workers called. */
  readonly upstreams: Readonly<Record<string, string>>;
  /** The phase's own facts (pages written, outage, …). */
  readonly facts: F;
  readonly checks: readonly Check[];
}

/** A chaos server's own counts, without the per-path and per-key tables (thousands of rows). */
export interface ServerCounts {
  readonly requests: number;
  readonly byMethod: Readonly<Record<string, number>>;
  /** Answers by fault type (`echo` is a plain answer). */
  readonly faults: ChaosStats['faults'];
  readonly connections: number;
  /** Distinct paths requested. */
  readonly paths: number;
  /** Distinct idempotency keys seen, and how many of them arrived more than once (retried keyed POSTs). */
  readonly idempotencyKeys: number;
  readonly idempotencyKeysRepeated: number;
}

/** The counts of `stats` a result keeps. */
export function serverCounts(stats: ChaosStats): ServerCounts {
  const keys = Object.values(stats.byIdempotencyKey);
  return {
    requests: stats.requests,
    byMethod: stats.byMethod,
    faults: stats.faults,
    connections: stats.connections,
    paths: Object.keys(stats.byPath).length,
    idempotencyKeys: keys.length,
    idempotencyKeysRepeated: keys.filter((n) => n > 1).length,
  };
}

/** `serverCounts` of each server, or `null` against a `--target`. */
export function countsOf(servers: Readonly<Record<string, ChaosStats>> | null): PhaseResult['servers'] {
  if (servers === null) return null;
  return Object.fromEntries(Object.entries(servers).map(([name, stats]) => [name, serverCounts(stats)]));
}

/** A running phase's counters, for a progress line. */
export interface PhaseProgress {
  readonly name: PhaseName;
  readonly elapsedMs: number;
  /** Requests (jobs, pages) ended so far, and how many the phase will make when it knows. */
  readonly done: number;
  readonly total: number | null;
  readonly failed: number;
  readonly retries: number;
  /** The gateway's: jobs waiting for a worker, jobs refused by the full queue, breakers not closed, windows now. */
  readonly queued?: number;
  readonly shed?: number;
  readonly openBreakers?: number;
  readonly now?: readonly string[];
}

/** What every phase gets from the run. */
export interface PhaseContext {
  readonly seed: number;
  readonly failureRate: number;
  /** The user's server, instead of embedded chaos servers. */
  readonly target: URL | undefined;
  readonly clock: Clock;
  /** Aborted on Ctrl-C: stop sending, report what happened. */
  readonly signal: AbortSignal;
  /** Hands each policy the phase builds to the metrics (`/metrics`), named `phase/what`. */
  readonly instrument: Instrument;
  /**
   * Called about 4 times a second: a few counters, and the whole phase so far on demand (building
   * it costs more than a progress line needs).
   */
  readonly onTick: (progress: PhaseProgress, snapshot: () => PhaseResult) => void;
}

/** How often a phase samples its limiter, breakers and retries, and reports progress. */
export const TICK_MS = 250;

/**
 * Runs `tick` every {@link TICK_MS} on `clock` until the returned `stop()` is called (which also
 * runs it one last time). A throwing tick is not retried: it ends the loop and `stop()` rethrows.
 */
export function ticker(clock: Clock, tick: () => void): { stop(): Promise<void> } {
  const stopped = new AbortController();
  const loop = (async () => {
    for (;;) {
      try {
        await clock.sleep(TICK_MS, stopped.signal);
      } catch {
        return;
      }
      tick();
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
      tick();
    },
  };
}

/**
 * Client attempts = server requests: every attempt reached the server once, and nothing else did.
 * After an interrupt the attempts cut in flight may or may not have reached the server: then no
 * request may be missing from the client's count (received ≤ sent), and the detail says how many
 * attempts the interrupt cut before the server saw them.
 */
export function attemptsCheck(
  phase: PhaseName,
  attempts: number,
  servers: Readonly<Record<string, { readonly requests: number }>> | null,
  interrupted = false,
): Check {
  const name = `${phase}: client attempts = server requests`;
  if (servers === null) {
    return { name, ok: true, checked: false, detail: 'not checked: the --target server does not tell its count' };
  }
  const received = Object.values(servers).reduce((sum, stats) => sum + stats.requests, 0);
  const detail = `${int(attempts)} sent, ${int(received)} received`;
  if (!interrupted) return { name, ok: attempts === received, checked: true, detail };
  const cut = attempts - received;
  return {
    name,
    ok: cut >= 0,
    checked: true,
    detail: cut > 0 ? `${detail} (${int(cut)} cut by the interrupt before the server read them)` : detail,
  };
}

export const percent = (fraction: number, digits = 2): string => `${(fraction * 100).toFixed(digits)} %`;
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** What the phase's servers do: the embedded ones' faults, or the user's `--target`. */
export function faultsText(ctx: PhaseContext): string {
  return ctx.target === undefined
    ? `${percent(ctx.failureRate, 0)} transient faults (503s, resets)`
    : `against ${ctx.target.href} (nothing injected)`;
}
