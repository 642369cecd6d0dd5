import { do_not_optimize, measure } from 'mitata';

/** One thing to time: sync or async. Return values are kept alive so the JIT cannot drop the work. */
export interface Case {
  readonly name: string;
  readonly fn: () => unknown;
}

/** A timed case: median and p99 in nanoseconds, and its median over the baseline's. */
export interface Timing {
  readonly name: string;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly ratio: number;
}

/** A suite prints through the reporter; `index.ts` runs every suite in one process. */
export interface Reporter {
  /**
   * Times `baseline` and each case in the same run and prints a table of medians with each
   * case's ratio to the baseline. Never fails on a number: it reports.
   */
  compare(title: string, baseline: Case, cases: readonly Case[]): Promise<Timing[]>;
  /**
   * For work that takes tens of microseconds or more (network round trips): runs `rounds` rounds,
   * each timing `iterations` sequential calls of every case in a rotated order, and reports the
   * median over rounds of the mean time per call, with the ratio to the baseline. Interleaving
   * spreads a noisy neighbour's load over every case instead of one.
   */
  interleaved(
    title: string,
    baseline: AsyncCase,
    cases: readonly AsyncCase[],
    options?: InterleaveOptions,
  ): Promise<Timing[]>;
  /** Prints retained heap bytes per instance for each factory (needs `node --expose-gc`). */
  heap(title: string, factories: readonly HeapCase[], count?: number): HeapRow[];
}

export interface AsyncCase {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
}

export interface InterleaveOptions {
  /** @default 7 */
  readonly rounds?: number;
  /** Calls per case per round. @default 500 */
  readonly iterations?: number;
  /** Calls in flight at once (workers pulling from the round's count). @default 1 */
  readonly concurrency?: number;
  /** Calls per case before the first round. @default 200 */
  readonly warmup?: number;
}

export interface HeapCase {
  readonly name: string;
  readonly create: () => unknown;
}

export interface HeapRow {
  readonly name: string;
  readonly bytesPerInstance: number;
}

async function time(item: Case): Promise<{ medianNs: number; p99Ns: number }> {
  const fn = item.fn;
  // An async case must hand its promise to mitata, which then awaits every call; wrapping it in
  // do_not_optimize (which returns undefined) would time only the synchronous part.
  const probe = fn();
  const isAsync = typeof (probe as PromiseLike<unknown> | null)?.then === 'function';
  if (isAsync) await probe;
  const stats = await measure(isAsync ? () => fn() : () => do_not_optimize(fn()));
  return { medianNs: stats.p50, p99Ns: stats.p99 };
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/** `total` calls of `fn`, `concurrency` at a time. */
export async function runCalls(fn: () => Promise<unknown>, total: number, concurrency: number): Promise<void> {
  if (concurrency <= 1) {
    for (let i = 0; i < total; i++) await fn();
    return;
  }
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('heap figures need node --expose-gc (pnpm bench passes it)');
  gc();
  gc();
}

export function createReporter(print: (text: string) => void = console.log): Reporter {
  return {
    async compare(title, baseline, cases) {
      // The baseline is timed before and after the cases: a fresh process reads faster than a
      // warmed, GC-loaded one, and timing it only first would shrink the denominator of every ratio.
      const before = await time(baseline);
      const measured: { name: string; medianNs: number; p99Ns: number }[] = [];
      for (const item of cases) measured.push({ name: item.name, ...(await time(item)) });
      const after = await time(baseline);
      const base = { medianNs: (before.medianNs + after.medianNs) / 2, p99Ns: Math.max(before.p99Ns, after.p99Ns) };
      const timings: Timing[] = [
        {
          name: `${baseline.name} (baseline, mean of before/after: ${formatNs(before.medianNs)} / ${formatNs(after.medianNs)})`,
          ...base,
          ratio: 1,
        },
        ...measured.map((t) => ({ ...t, ratio: t.medianNs / base.medianNs })),
      ];
      print(`\n### ${title}\n`);
      print(
        table(
          ['case', 'median', 'p99', 'ratio to baseline'],
          timings.map((t) => [t.name, formatNs(t.medianNs), formatNs(t.p99Ns), `${t.ratio.toFixed(2)}×`]),
        ),
      );
      return timings;
    },
    async interleaved(title, baseline, cases, options = {}) {
      const { rounds = 7, iterations = 500, warmup = 200, concurrency = 1 } = options;
      const all = [baseline, ...cases];
      for (const item of all) await runCalls(item.fn, warmup, concurrency);
      const perRound: number[][] = all.map(() => []);
      const cpuPerRound: number[][] = all.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < all.length; k++) {
          const index = (k + round) % all.length;
          const item = all[index] as AsyncCase;
          const cpu = process.cpuUsage();
          const started = performance.now();
          await runCalls(item.fn, iterations, concurrency);
          (perRound[index] as number[]).push(((performance.now() - started) * 1e6) / iterations);
          const used = process.cpuUsage(cpu);
          (cpuPerRound[index] as number[]).push(((used.user + used.system) * 1e3) / iterations);
        }
      }
      const medians = perRound.map(median);
      const cpuMedians = cpuPerRound.map(median);
      const base = medians[0] as number;
      const timings: Timing[] = all.map((item, i) => ({
        name: i === 0 ? `${item.name} (baseline)` : item.name,
        medianNs: medians[i] as number,
        p99Ns: Math.max(...(perRound[i] as number[])),
        ratio: (medians[i] as number) / base,
      }));
      print(`\n### ${title}\n`);
      print(
        `${rounds} interleaved rounds × ${iterations} calls per case at concurrency ${concurrency}; medians of the per-round means. ` +
          'CPU = this process (user + system) per call: what the client side costs, least disturbed by other load.',
      );
      print('');
      print(
        table(
          ['case', 'wall per call', 'worst round', 'wall ratio', 'throughput', 'CPU per call', 'CPU ratio'],
          timings.map((t, i) => [
            t.name,
            formatNs(t.medianNs),
            formatNs(t.p99Ns),
            `${t.ratio.toFixed(3)}×`,
            `${(1 / t.ratio).toFixed(2)}×`,
            formatNs(cpuMedians[i] as number),
            `${((cpuMedians[i] as number) / (cpuMedians[0] as number)).toFixed(3)}×`,
          ]),
        ),
      );
      return timings;
    },
    heap(title, factories, count = 10_000) {
      const rows: HeapRow[] = [];
      for (const { name, create } of factories) {
        // The holding array is allocated before the first reading, so only the instances count.
        const keep: unknown[] = new Array(count).fill(null);
        collectGarbage();
        const before = process.memoryUsage().heapUsed;
        for (let i = 0; i < count; i++) keep[i] = create();
        collectGarbage();
        const after = process.memoryUsage().heapUsed;
        do_not_optimize(keep);
        rows.push({ name, bytesPerInstance: Math.max(0, (after - before) / count) });
      }
      print(`\n### ${title} (retained heap per instance, ${count.toLocaleString('en')} instances)\n`);
      print(
        table(
          ['instance', 'bytes'],
          rows.map((r) => [r.name, r.bytesPerInstance.toFixed(0)]),
        ),
      );
      return rows;
    },
  };
}
