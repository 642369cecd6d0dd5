import type { BreakerSource } from '@sentinel/client';
import type { BreakerTransition } from './report.ts';

type StateChange = { readonly from: string; readonly to: string };
type Watchable = { onStateChange?: (listener: (event: StateChange) => void) => unknown };

/**
 * Collects breaker transitions for the report, two ways:
 * - exactly, from `onStateChange`, for breakers of the clients the load test builds itself
 *   (their breaker source is wrapped so each breaker is watched when it is made);
 * - by sampling `client.status().breakers` at every progress tick for clients a custom `setup`
 *   built, whose breakers the load test never sees (a transition and its reversal within one
 *   tick are then missed).
 */
export class BreakerWatch {
  readonly #now: () => number;
  readonly #transitions: BreakerTransition[] = [];
  readonly #sampled = new Map<string, string>();
  #start: number | undefined;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Starts recording (warm-up transitions are not reported); times are relative to `startMs`. */
  start(startMs: number): void {
    this.#start = startMs;
  }

  get transitions(): BreakerTransition[] {
    return this.#transitions;
  }

  #record(workerIndex: number, origin: string, from: string, to: string): void {
    if (this.#start === undefined || from === to) return;
    this.#transitions.push({ atMs: Math.max(0, this.#now() - this.#start), workerIndex, origin, from, to });
  }

  /** Wraps worker `workerIndex`'s breaker source so every breaker it hands out is watched. */
  wrap(source: BreakerSource | undefined, workerIndex: number): BreakerSource | undefined {
    if (source === undefined) return undefined;
    const watched = new WeakSet<object>();
    const watch = <P>(breaker: P, origin: string): P => {
      const b = breaker as Watchable & object;
      if (typeof b?.onStateChange === 'function' && !watched.has(b)) {
        watched.add(b);
        b.onStateChange((event) => this.#record(workerIndex, origin, String(event.from), String(event.to)));
      }
      return breaker;
    };
    if (typeof source === 'function') return (origin: string) => watch(source(origin), origin);
    if ('execute' in source) return watch(source, '*');
    if ('get' in source) return { get: (origin: string) => watch(source.get(origin), origin) };
    return { for: (origin: string) => watch(source.for(origin), origin) };
  }

  /** Compares `breakers` (from `client.status()`) with the last sample of worker `workerIndex`. */
  sample(workerIndex: number, breakers: unknown): void {
    if (typeof breakers !== 'object' || breakers === null) return;
    for (const [origin, status] of Object.entries(breakers)) {
      const state = typeof status === 'string' ? status : (status as { state?: unknown } | null)?.state;
      if (typeof state !== 'string') continue;
      const key = `${workerIndex} ${origin}`;
      // A breaker starts closed: one first seen open has opened since.
      const last = this.#sampled.get(key) ?? 'closed';
      this.#sampled.set(key, state);
      this.#record(workerIndex, origin, last, state);
    }
  }
}
