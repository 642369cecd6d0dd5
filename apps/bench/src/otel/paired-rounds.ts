/**
 * The otel suite's request-level tables: its cases differ by a few percent, so each is read
 * against the baseline of its own round rather than against a baseline timed at another moment
 * of a busy machine. Kept apart from the suite so its cases stay readable.
 */
import { type AsyncCase, median, runCalls, table } from '../harness.ts';

/** Options of {@link pairedRounds}; every field is required (the suite gives them all). */
export interface PairedRoundsOptions {
  readonly rounds: number;
  /** Requests per case and round. */
  readonly iterations: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Requests per case before the first round. */
  readonly warmup: number;
}

const µs = (value: number) => `${value.toFixed(2)} µs`;
const times = (value: number) => `${value.toFixed(3)}×`;

/**
 * Like the harness's `interleaved`, with statistics that hold on a shared, busy machine: each
 * round runs every case once (rotated order), and a case is compared with the baseline **of the
 * same round** (the median over rounds of those paired ratios), and by its least disturbed round
 * (the minimum CPU per request, the usual estimator of a cost under interference).
 */
export async function pairedRounds(
  title: string,
  baseline: AsyncCase,
  cases: readonly AsyncCase[],
  o: PairedRoundsOptions,
): Promise<void> {
  const all = [baseline, ...cases];
  for (const item of all) await runCalls(item.fn, o.warmup, o.concurrency);
  const cpu = all.map((): number[] => []);
  const wall = all.map((): number[] => []);
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < all.length; k++) {
      const index = (k + round) % all.length;
      const used = process.cpuUsage();
      const started = performance.now();
      await runCalls((all[index] as AsyncCase).fn, o.iterations, o.concurrency);
      (wall[index] as number[]).push(((performance.now() - started) * 1e3) / o.iterations);
      const spent = process.cpuUsage(used);
      (cpu[index] as number[]).push((spent.user + spent.system) / o.iterations);
    }
  }
  const base = { cpu: cpu[0] as number[], wall: wall[0] as number[] };
  const rows = all.map((item, i) => {
    const c = cpu[i] as number[];
    const w = wall[i] as number[];
    const cpuRatio = median(c.map((v, r) => v / (base.cpu[r] as number)));
    const wallRatio = median(w.map((v, r) => v / (base.wall[r] as number)));
    return [
      i === 0 ? `${item.name} (baseline)` : item.name,
      µs(Math.min(...c)),
      times(Math.min(...c) / Math.min(...base.cpu)),
      times(cpuRatio),
      times(1 / cpuRatio),
      times(1 / wallRatio),
    ];
  });
  console.log(`\n### ${title}\n`);
  console.log(
    `${o.rounds} rounds × ${o.iterations} requests per case at concurrency ${o.concurrency}, cases rotated each round. ` +
      'CPU = this process (user + system) per request; the server runs in its own process. ' +
      '"paired" = median over rounds of (case / baseline of the same round); "CPU-bound throughput" = 1 / paired CPU ratio.',
  );
  console.log('');
  console.log(
    table(
      [
        'case',
        'CPU/req, best round',
        'ratio of best',
        'CPU ratio, paired',
        'CPU-bound throughput',
        'wall throughput, paired',
      ],
      rows,
    ),
  );
}
