/**
 * The otel suite's per-operation table: what one SDK call (a span, a histogram point) costs on
 * its own. A plain loop in chunks, yielding to the event loop between them so that the
 * BatchSpanProcessor exports during the measurement, as it does between requests.
 */
import { median, table } from '../harness.ts';

/** One synchronous operation to time. */
export interface OperationCase {
  readonly name: string;
  readonly fn: () => void;
}

/** Nanoseconds of CPU per call of each `fn`, best and median of `rounds` interleaved rounds. */
export async function perOperation(title: string, cases: readonly OperationCase[]): Promise<void> {
  const rounds = 15;
  const chunks = 40;
  const chunk = 500;
  const results = cases.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const fn = (cases[index] as OperationCase).fn;
      let spent = 0;
      for (let c = 0; c < chunks; c++) {
        const used = process.cpuUsage();
        for (let i = 0; i < chunk; i++) fn();
        const delta = process.cpuUsage(used);
        spent += delta.user + delta.system;
        // Lets the BatchSpanProcessor export between chunks, as it would between requests.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (round > 0) (results[index] as number[]).push((spent * 1e3) / (chunks * chunk));
    }
  }
  console.log(`\n### ${title}\n`);
  console.log(`${rounds - 1} rounds × ${chunks * chunk} calls, interleaved; CPU per call (the first round warms up).`);
  console.log('');
  console.log(
    table(
      ['operation', 'best round', 'median round'],
      cases.map((c, i) => [
        c.name,
        `${Math.min(...(results[i] as number[])).toFixed(0)} ns`,
        `${median(results[i] as number[]).toFixed(0)} ns`,
      ]),
    ),
  );
}
