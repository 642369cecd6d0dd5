import type { AsyncCase } from './harness.ts';
import { median, runCalls, table } from './harness.ts';

/** Options of {@link pairedCpu}. */
export interface PairedCpuOptions {
  /** @default 11 */
  readonly rounds?: number;
  /** Calls per measured chunk. @default 500 */
  readonly iterations?: number;
  /** Calls in flight at once. @default 1 */
  readonly concurrency?: number;
  /** Calls per case before the first round. @default 300 */
  readonly warmup?: number;
}

/** One row: a case's CPU per call over the baseline's, as the median of per-round ratios. */
export interface PairedCpuRow {
  readonly name: string;
  readonly medianRatio: number;
  readonly lowRatio: number;
  readonly highRatio: number;
  readonly cpuPerCallNs: number;
}

async function cpuPerCall(fn: () => Promise<unknown>, iterations: number, concurrency: number): Promise<number> {
  const before = process.cpuUsage();
  await runCalls(fn, iterations, concurrency);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1e3) / iterations;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * CPU per call of each case over the baseline's, measured so that a machine whose load changes
 * from second to second (other processes, other benchmarks) still gives a usable ratio: in every
 * round, each case is measured next to the baseline in an A-B-B-A sequence (baseline, case,
 * case, baseline), and the round's ratio is the case's two chunks over the baseline's two, which
 * cancels load that rises or falls steadily across the four chunks. The row reports the median
 * of those per-round ratios and their spread (lowest–highest). CPU is `process.cpuUsage()`
 * (user + system) of this process, so only client-side work counts when the server runs in
 * another process. Include an A/A case (a second copy of the baseline) to read the noise floor.
 */
export async function pairedCpu(
  print: (text: string) => void,
  title: string,
  baseline: AsyncCase,
  cases: readonly AsyncCase[],
  options: PairedCpuOptions = {},
): Promise<PairedCpuRow[]> {
  const { rounds = 11, iterations = 500, concurrency = 1, warmup = 300 } = options;
  for (const item of [baseline, ...cases]) await runCalls(item.fn, warmup, concurrency);
  const ratios: number[][] = cases.map(() => []);
  const perCall: number[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const item = cases[index] as AsyncCase;
      const a1 = await cpuPerCall(baseline.fn, iterations, concurrency);
      const b1 = await cpuPerCall(item.fn, iterations, concurrency);
      const b2 = await cpuPerCall(item.fn, iterations, concurrency);
      const a2 = await cpuPerCall(baseline.fn, iterations, concurrency);
      (ratios[index] as number[]).push((b1 + b2) / (a1 + a2));
      (perCall[index] as number[]).push((b1 + b2) / 2);
    }
  }
  const rows = cases.map((item, i) => {
    const r = sorted(ratios[i] as number[]);
    return {
      name: item.name,
      medianRatio: median(r),
      lowRatio: r[0] as number,
      highRatio: r[r.length - 1] as number,
      cpuPerCallNs: median(perCall[i] as number[]),
    };
  });
  print(`\n### ${title}\n`);
  print(
    `${rounds} rounds; per round and case: ${baseline.name} / case / case / ${baseline.name}, ${iterations} calls each at concurrency ${concurrency}. ` +
      'Ratio = CPU per call of the case over the baseline in the same round; the median over rounds and the spread.',
  );
  print('');
  print(
    table(
      ['case', 'CPU per call', 'CPU ratio (median)', 'spread'],
      rows.map((r) => [
        r.name,
        `${(r.cpuPerCallNs / 1e3).toFixed(2)} µs`,
        `${r.medianRatio.toFixed(3)}×`,
        `${r.lowRatio.toFixed(2)}–${r.highRatio.toFixed(2)}×`,
      ]),
    ),
  );
  return rows;
}
