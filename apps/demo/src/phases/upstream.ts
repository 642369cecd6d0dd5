import { type ChaosStats, type Fault, startChaosServer } from '@sentinel/chaos';

/** A server the phase's workers call: an embedded chaos server, or the user's `--target`. */
export interface Upstream {
  readonly name: string;
  /** Origin to build request URLs on (no trailing slash). */
  readonly origin: string;
  /** The server's own counts (an embedded chaos server); `null` for a `--target`. */
  stats(): ChaosStats | null;
  /** Replaces the server's faults now (an embedded chaos server); `false` for a `--target`, which is left alone. */
  setFaults(faults: readonly Fault[]): boolean;
  close(): Promise<void>;
}

/**
 * `rate` of transient failures, as a flaky API produces them: 70 % of them 503s, 30 % connections
 * reset before any response byte; every answer takes 1–6 ms.
 */
export function transientFaults(rate: number): Fault[] {
  const latencyMs = { min: 1, max: 6 };
  const unavailable = 0.7 * rate;
  // Each fault rolls only for the requests the ones before it let through.
  const reset = unavailable < 1 ? (0.3 * rate) / (1 - unavailable) : 0;
  return [
    { type: 'status', status: 503, rate: unavailable, latencyMs },
    { type: 'reset-before-headers', rate: reset },
    { type: 'echo', latencyMs },
  ];
}

/**
 * Starts one embedded chaos server per name (seeded `seed`, `seed + 1`, …) answering with
 * `transientFaults(failureRate)`, or, with a `target`, points every name at the target's origin.
 */
export async function startUpstreams(
  names: readonly string[],
  options: { readonly seed: number; readonly failureRate: number; readonly target: URL | undefined },
): Promise<Upstream[]> {
  const target = options.target;
  if (target !== undefined) {
    return names.map((name) => ({
      name,
      origin: target.origin,
      stats: () => null,
      setFaults: () => false,
      close: async () => {},
    }));
  }
  const started: Upstream[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const server = await startChaosServer({ seed: options.seed + i, faults: transientFaults(options.failureRate) });
      started.push({
        name,
        origin: server.url,
        stats: () => server.stats(),
        setFaults: (faults) => {
          server.setFaults(faults);
          return true;
        },
        close: () => server.close(),
      });
    }
  } catch (error) {
    await Promise.all(started.map((upstream) => upstream.close()));
    throw error;
  }
  return started;
}

/** Each upstream's own counts by name, or `null` when they are not ours to count (a `--target`). */
export function statsOf(upstreams: readonly Upstream[]): Record<string, ChaosStats> | null {
  const all: Record<string, ChaosStats> = {};
  for (const upstream of upstreams) {
    const stats = upstream.stats();
    if (stats === null) return null;
    all[upstream.name] = stats;
  }
  return all;
}
