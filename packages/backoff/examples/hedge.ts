import { hedge, retryBudget } from '@sentinel/backoff';
import { type Clock, compose, timeout } from '@sentinel/core';

// Reads from a replicated store. A read that has not answered within the 95th percentile of
// recent reads (50 ms until 20 are known) is asked again, in parallel; the first answer wins and
// the other read is cancelled through its signal. Hedges spend a budget: at most 10 % extra reads.
export function createHedgedReader(read: (key: string, signal: AbortSignal) => Promise<string>, clock?: Clock) {
  const reads = hedge({
    maxHedges: 1,
    delayMs: { percentile: 95, initialMs: 50 },
    budget: retryBudget({ ratio: 0.1, clock }),
    clock,
  });
  // The timeout is inside: it bounds each attempt, and a timed-out attempt is hedged at once.
  const policy = compose(reads, timeout({ ms: 1_000, clock }));
  const get = (key: string, signal?: AbortSignal) => policy.execute((ctx) => read(key, ctx.signal), { signal });
  return { get, reads };
}
