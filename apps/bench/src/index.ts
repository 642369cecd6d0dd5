/**
 * `pnpm bench`: builds the packages, then runs every suite in one process against the built
 * `dist` (what users run: the TypeScript sources under tsx are measurably slower). Each case is timed
 * next to a baseline measured in the
 * same run and reported as a ratio, so figures from a busy shared machine stay comparable.
 * `pnpm bench core` runs only the suites whose name contains "core". It never fails on a number.
 */
import { createReporter, type Reporter } from './harness.ts';
import { coreSuite } from './suites/core.ts';

const suites: Record<string, (report: Reporter) => Promise<void>> = {
  core: coreSuite,
};

const filter = process.argv[2];
const report = createReporter();
console.log(`# HTTP Sentinel benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(suites)) {
  if (filter !== undefined && !name.includes(filter)) continue;
  console.log(`\n## ${name}`);
  await run(report);
}
