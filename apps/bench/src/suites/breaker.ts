import { circuitBreaker, consecutive, countWindow, timeWindow } from '@sentinel/breaker';
import { compose, MAX_DELAY_MS } from '@sentinel/core';
import { ConsecutiveBreaker, CountBreaker, circuitBreaker as cockatielBreaker, handleAll } from 'cockatiel';
import { do_not_optimize, measure } from 'mitata';
import type { Case, Reporter } from '../harness.ts';

/** The part of opossum 9 used here (@types/opossum is not installed). */
interface Opossum {
  fire(): Promise<unknown>;
  open(): void;
  shutdown(): void;
}
type OpossumClass = new (action: () => Promise<unknown>, options?: Record<string, unknown>) => Opossum;

const work = async () => 1;
const fail = async () => {
  throw new Error('down');
};
const noop = () => {};

/*
 * `report.compare` awaits each call (mitata awaits a returned promise) and times every call on
 * its own, so each sample also holds two timer reads and mitata's loop. The tables below time
 * BATCH sequential awaited calls per sample instead, so that fixed cost is spread over the batch
 * and a ratio compares what the policies themselves cost: with one call per sample (as before),
 * ~50 ns of harness sat in both terms and pulled every ratio towards 1.
 */
const BATCH = 100;

/**
 * `n` sequential awaited calls of `fn`. A fresh function per case (as mitata builds its loops),
 * not one closure shared by every case: closures of one literal share type feedback, so the
 * `fn()` call site would turn polymorphic and slow down whichever cases come later.
 */
function loopOf(fn: () => unknown): (n: number) => Promise<void> {
  return new Function('fn', 'keep', 'return async function loop(n) { for (let i = 0; i < n; i++) keep(await fn()); };')(
    fn,
    do_not_optimize,
  ) as (n: number) => Promise<void>;
}

/** Best median (ns per call) of each case, timed in `rounds` interleaved rounds of batched awaited calls. */
async function awaitedTimes(items: readonly Case[], rounds: number): Promise<number[]> {
  // The machine is shared: each case is timed in several interleaved rounds and its best median
  // kept, so a burst of load during one case does not decide its ratio.
  const loops = items.map((item) => loopOf(item.fn));
  const best = items.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < rounds; round++) {
    for (const [i, loop] of loops.entries()) {
      const stats = await measure(() => loop(BATCH));
      best[i] = Math.min(best[i] as number, stats.p50 / BATCH);
    }
  }
  return best;
}

const formatNs = (ns: number) => (ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
const header = (title: string, rounds: number) =>
  `\n### ${title} (awaited to settlement, ${BATCH} calls per sample; best median of ${rounds} interleaved rounds)\n`;

async function awaited(title: string, baseline: Case, cases: readonly Case[], rounds = 5): Promise<void> {
  const best = await awaitedTimes([baseline, ...cases], rounds);
  const base = best[0] as number;
  console.log(header(title, rounds));
  console.log('| case | per call | ratio to baseline |\n|:--|--:|--:|');
  for (const [i, item] of [baseline, ...cases].entries()) {
    const ns = best[i] as number;
    console.log(`| ${item.name} | ${formatNs(ns)} | ${(ns / base).toFixed(2)}× |`);
  }
}

/** A sentinel case and the peer case configured to mean the same thing. */
interface Pair {
  readonly name: string;
  readonly ours: Case;
  readonly peer: Case;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] as number;

/**
 * Times each pair as PAIRED rounds: in every round, `calls` sequential awaited calls of ours and
 * of the peer, back to back (order alternating), give one ratio; the table shows the median ratio
 * over the rounds and its interquartile range. Both sides of a ratio are measured within
 * milliseconds of each other, so load from other processes, which comes and goes over seconds,
 * lands on both terms instead of deciding the result.
 */
async function headToHead(title: string, pairs: readonly Pair[], rounds = 41, calls = 2_000): Promise<void> {
  console.log(`\n### ${title} (awaited to settlement; median of ${rounds} paired rounds of ${calls} calls per side)\n`);
  console.log(
    '| same options | sentinel | peer | sentinel is faster by (median) | middle half of the rounds |\n|:--|--:|--:|--:|--:|',
  );
  for (const pair of pairs) {
    const ours = loopOf(pair.ours.fn);
    const peer = loopOf(pair.peer.fn);
    for (let i = 0; i < 5; i++) {
      await ours(calls);
      await peer(calls);
    }
    const oursNs: number[] = [];
    const peerNs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const first = round % 2 === 0 ? ours : peer;
      const second = first === ours ? peer : ours;
      const t0 = performance.now();
      await first(calls);
      const t1 = performance.now();
      await second(calls);
      const t2 = performance.now();
      const [a, b] = first === ours ? [t1 - t0, t2 - t1] : [t2 - t1, t1 - t0];
      oursNs.push((a * 1e6) / calls);
      peerNs.push((b * 1e6) / calls);
      ratios.push(b / a);
    }
    const sorted = [...ratios].sort((x, y) => x - y);
    const q = (f: number) => (sorted[Math.floor(f * (sorted.length - 1))] as number).toFixed(2);
    console.log(
      `| ${pair.name} | ${formatNs(median(oursNs))} | ${formatNs(median(peerNs))} | ${median(ratios).toFixed(2)}× | ${q(0.25)}–${q(0.75)}× |`,
    );
  }
}

/**
 * `report.heap` reads `heapUsed`; typed arrays above 64 bytes keep their bytes outside the heap,
 * so the window's ring buffer is measured here, from `arrayBuffers`, to report the whole cost.
 */
function outsideHeapBytes(create: () => unknown, count = 10_000): number {
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  const keep: unknown[] = new Array(count).fill(null);
  gc();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < count; i++) keep[i] = create();
  gc();
  const after = process.memoryUsage().arrayBuffers;
  do_not_optimize(keep);
  return Math.max(0, (after - before) / count);
}

export default async function breakerSuite(report: Reporter): Promise<void> {
  const Opossum = ((await import('opossum' as string)) as { default: OpossumClass }).default;
  const opossums: Opossum[] = [];
  const opossum = (action: () => Promise<unknown>, options?: Record<string, unknown>) => {
    const breaker = new Opossum(action, options);
    opossums.push(breaker);
    return breaker;
  };

  // Closed, success path.
  const closed = circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 10_000 });
  const closedCount = circuitBreaker({
    trigger: countWindow({ size: 100, failureRate: 0.5 }), // minimumCalls = size, as cockatiel's default
    halfOpenAfter: 10_000,
  });
  const closedTimeSlow = circuitBreaker({
    trigger: timeWindow({ windowMs: 10_000, failureRate: 0.5, slowCallMs: 1_000, slowCallRate: 0.8 }),
  });
  const composed = compose(closed);
  const signalOptions = { signal: new AbortController().signal };
  const cockatiel = cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const cockatielCount = cockatielBreaker(handleAll, {
    halfOpenAfter: 10_000,
    breaker: new CountBreaker({ threshold: 0.5, size: 100 }),
  });
  const opossumClosed = opossum(work);

  const closedCases: Case[] = [
    { name: 'sentinel execute (consecutive)', fn: () => closed.execute(work) },
    { name: 'sentinel execute (countWindow 100)', fn: () => closedCount.execute(work) },
    { name: 'sentinel execute (timeWindow + slow calls)', fn: () => closedTimeSlow.execute(work) },
    { name: 'sentinel execute with { signal } (not read)', fn: () => closed.execute(work, signalOptions) },
    { name: 'sentinel compose(breaker).execute', fn: () => composed.execute(work) },
    { name: 'cockatiel 3.2.1 execute (consecutive)', fn: () => cockatiel.execute(work) },
    { name: 'cockatiel 3.2.1 execute (CountBreaker 100)', fn: () => cockatielCount.execute(work) },
    { name: 'opossum 9.0.0 fire()', fn: () => opossumClosed.fire() },
  ];
  const bare: Case = { name: 'await fn()', fn: () => work() };
  await report.compare('closed breaker, success path', bare, closedCases);
  await awaited('closed breaker, success path', bare, closedCases);

  // Like with like: the same trigger, threshold, window and open period on both sides; both
  // count every thrown error as a failure (sentinel's default isFailure, cockatiel's handleAll).
  // One difference remains in the count windows: cockatiel opens above the rate (>), sentinel
  // at it (>=), which only matters on a failure that lands exactly on 50%, never on this path.
  const signal = signalOptions.signal;
  await headToHead('closed breaker, success path: sentinel vs cockatiel 3.2.1', [
    {
      name: 'consecutive, threshold 5 / ConsecutiveBreaker(5)',
      ours: { name: 'sentinel', fn: () => closed.execute(work) },
      peer: { name: 'cockatiel', fn: () => cockatiel.execute(work) },
    },
    {
      name: 'countWindow 100 at 0.5 / CountBreaker({ size: 100, threshold: 0.5 })',
      ours: { name: 'sentinel', fn: () => closedCount.execute(work) },
      peer: { name: 'cockatiel', fn: () => cockatielCount.execute(work) },
    },
    {
      name: 'consecutive with a caller signal',
      ours: { name: 'sentinel', fn: () => closed.execute(work, signalOptions) },
      peer: { name: 'cockatiel', fn: () => cockatiel.execute(work, signal) },
    },
  ]);

  // Permit API on a closed breaker.
  await report.compare('tryAcquire() on a closed breaker', { name: 'empty function', fn: noop }, [
    { name: 'sentinel tryAcquire()', fn: () => closed.tryAcquire() },
    { name: 'sentinel tryAcquire() + success()', fn: () => closed.tryAcquire()?.success() },
  ]);

  // Rejection while open: trip each breaker for good (opened for 2^31 - 1 ms).
  const open = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: MAX_DELAY_MS });
  await open.execute(fail).catch(noop);
  const cockatielOpen = cockatielBreaker(handleAll, {
    halfOpenAfter: MAX_DELAY_MS,
    breaker: new ConsecutiveBreaker(1),
  });
  await cockatielOpen.execute(fail).catch(noop);
  const opossumOpen = opossum(work, { resetTimeout: MAX_DELAY_MS });
  opossumOpen.open();
  if (open.state !== 'open') throw new Error('sentinel breaker did not open');
  const openCases: Case[] = [
    { name: 'cockatiel 3.2.1 execute while open', fn: () => cockatielOpen.execute(work).catch(noop) },
    { name: 'opossum 9.0.0 fire() while open', fn: () => opossumOpen.fire().catch(noop) },
  ];
  const ours: Case = { name: 'sentinel execute while open', fn: () => open.execute(work).catch(noop) };
  await report.compare('rejection while open (ratio = times slower than sentinel)', ours, openCases);
  await awaited('rejection while open', ours, openCases);
  await report.compare('sentinel rejection while open vs bare await', bare, [ours]);

  report.heap('breaker instances', [
    { name: 'sentinel consecutive', create: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }) }) },
    {
      name: 'sentinel countWindow(100)',
      create: () => circuitBreaker({ trigger: countWindow({ size: 100, failureRate: 0.5 }) }),
    },
    {
      name: 'sentinel timeWindow(10 buckets)',
      create: () => circuitBreaker({ trigger: timeWindow({ windowMs: 10_000, failureRate: 0.5 }) }),
    },
    {
      name: 'cockatiel 3.2.1 consecutive',
      create: () => cockatielBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
    },
    { name: 'opossum 9.0.0', create: () => opossum(work) },
  ]);
  const outside = [
    ['sentinel countWindow(100)', () => circuitBreaker({ trigger: countWindow({ size: 100, failureRate: 0.5 }) })],
    [
      'sentinel timeWindow(10 buckets)',
      () => circuitBreaker({ trigger: timeWindow({ windowMs: 10_000, failureRate: 0.5 }) }),
    ],
  ] as const;
  console.log('\n### typed-array bytes outside the heap, per instance (add to the table above)\n');
  console.log('| instance | bytes |\n|:--|--:|');
  for (const [name, create] of outside) console.log(`| ${name} | ${outsideHeapBytes(create).toFixed(0)} |`);
  for (const breaker of opossums) breaker.shutdown();
}
