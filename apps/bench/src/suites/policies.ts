import { hedge } from '@sentinel/backoff';
import { fallback } from '@sentinel/core';
import { adaptiveConcurrency, concurrency } from '@sentinel/ratelimit';
import { fallback as cockatielFallback, handleAll } from 'cockatiel';
import type { Reporter } from '../harness.ts';

const work = async () => 1;
// One error made up front: the failure path measures the policies, not `new Error()`.
const down = new Error('down');
const failing = () => Promise.reject(down);
const zero = () => 0;

/*
 * The policies added with issue 15, each next to its closest peer in the same run:
 * - fallback against cockatiel 3.2.1's fallback (success, and a failure answered);
 * - hedge against a bare call (no JavaScript library hedges): what a call the primary answers in
 *   time pays, one timer armed and cleared included;
 * - adaptiveConcurrency against this package's fixed bulkhead, concurrency(), uncontended and
 *   with 64 calls at once through a limit of 16 (the adaptive limit pinned at 16, min = max, so
 *   both queue the same calls and only the bookkeeping differs).
 */
export default async function policiesSuite(report: Reporter): Promise<void> {
  const bare = { name: '(await fn(), for scale)', fn: () => work() };
  const quick = { rounds: 7, iterations: 20_000, warmup: 2_000 };

  const ours = fallback({ fallback: zero });
  const oursJudging = fallback({ fallback: zero, shouldHandle: (outcome) => !outcome.ok });
  const theirs = cockatielFallback(handleAll, zero);
  // The peer is the baseline: the ratio column reads "times cockatiel's cost".
  await report.interleaved(
    'fallback, success path (ratio to cockatiel)',
    { name: 'cockatiel 3.2.1 fallback(handleAll, fn).execute', fn: () => theirs.execute(work) },
    [
      { name: 'sentinel fallback({ fallback }).execute', fn: () => ours.execute(work) },
      { name: 'sentinel fallback, custom shouldHandle', fn: () => oursJudging.execute(work) },
      bare,
    ],
    quick,
  );
  await report.interleaved(
    'fallback, a failure answered with the fallback value (ratio to cockatiel)',
    { name: 'cockatiel 3.2.1 fallback(handleAll, fn).execute', fn: () => theirs.execute(failing) },
    [
      { name: 'sentinel fallback({ fallback }).execute', fn: () => ours.execute(failing) },
      { name: '(fn().catch(() => 0), for scale)', fn: () => failing().catch(zero) },
    ],
    quick,
  );

  const hedged = hedge({ delayMs: 1_000 });
  const hedgedTwice = hedge({ delayMs: 1_000, maxHedges: 2 });
  const percentile = hedge({ delayMs: { percentile: 95, initialMs: 1_000 } });
  const signal = { signal: new AbortController().signal };
  await report.interleaved(
    'hedge, the primary answers in time (no hedge sent): overhead over a bare call',
    { name: 'await fn()', fn: () => work() },
    [
      { name: 'sentinel hedge({ delayMs: 1000 }).execute', fn: () => hedged.execute(work) },
      { name: 'sentinel hedge({ delayMs: 1000, maxHedges: 2 }).execute', fn: () => hedgedTwice.execute(work) },
      { name: 'sentinel hedge({ delayMs: { percentile: 95 } }).execute', fn: () => percentile.execute(work) },
      { name: 'sentinel hedge, with a caller signal', fn: () => hedged.execute(work, signal) },
    ],
    quick,
  );

  const bulkhead = concurrency({ max: 1_000 });
  const aimd = adaptiveConcurrency({ algorithm: 'aimd', initial: 1_000, max: 1_000 });
  const gradient = adaptiveConcurrency({ algorithm: 'gradient', initial: 1_000, max: 1_000 });
  await report.interleaved(
    'adaptiveConcurrency vs concurrency(), one call at a time (ratio to concurrency)',
    { name: 'concurrency({ max: 1000 }).execute', fn: () => bulkhead.execute(work) },
    [
      { name: "adaptiveConcurrency({ algorithm: 'aimd' }).execute", fn: () => aimd.execute(work) },
      { name: "adaptiveConcurrency({ algorithm: 'gradient' }).execute", fn: () => gradient.execute(work) },
      bare,
    ],
    quick,
  );

  const fixed = concurrency({ max: 16 });
  const pinnedAimd = adaptiveConcurrency({ algorithm: 'aimd', initial: 16, min: 16, max: 16 });
  const pinnedGradient = adaptiveConcurrency({ algorithm: 'gradient', initial: 16, min: 16, max: 16 });
  const burst = (limiter: { execute(fn: () => Promise<number>): Promise<number> }) => () =>
    Promise.all(Array.from({ length: 64 }, () => limiter.execute(work)));
  await report.interleaved(
    '64 calls at once through a limit of 16, 48 waiting in FIFO order (ratio to concurrency)',
    { name: 'concurrency({ max: 16 })', fn: burst(fixed) },
    [
      { name: "adaptiveConcurrency({ algorithm: 'aimd' }), limit 16", fn: burst(pinnedAimd) },
      { name: "adaptiveConcurrency({ algorithm: 'gradient' }), limit 16", fn: burst(pinnedGradient) },
    ],
    { rounds: 7, iterations: 1_000, warmup: 200 },
  );

  report.heap('policy instances', [
    { name: 'sentinel fallback({ fallback })', create: () => fallback({ fallback: zero }) },
    { name: 'cockatiel 3.2.1 fallback(handleAll, fn)', create: () => cockatielFallback(handleAll, zero) },
    { name: 'sentinel hedge({ delayMs: 100 })', create: () => hedge({ delayMs: 100 }) },
    {
      name: 'sentinel hedge({ delayMs: { percentile: 95 } }) (+ 16 kB of typed arrays off-heap)',
      create: () => hedge({ delayMs: { percentile: 95 } }),
    },
    { name: 'sentinel concurrency({ max: 16 })', create: () => concurrency({ max: 16 }) },
    { name: "sentinel adaptiveConcurrency({ algorithm: 'aimd' })", create: () => adaptiveConcurrency() },
    {
      name: "sentinel adaptiveConcurrency({ algorithm: 'gradient' })",
      create: () => adaptiveConcurrency({ algorithm: 'gradient' }),
    },
  ]);
}
