/**
 * `pnpm bench`: builds the packages, then runs every suite in one process against the built
 * `dist` (what users run: the TypeScript sources under tsx are measurably slower). Each case is
 * timed next to a baseline measured in the same run and reported as a ratio, so figures from a
 * busy shared machine stay comparable. It never fails on a number.
 *
 * Every `suites/<name>.ts` default-exports `(report: Reporter) => Promise<void>` and is picked up
 * here by name: `pnpm bench breaker retry` runs only the suites whose names contain those words.
 */
import { readdirSync } from 'node:fs';
import { createReporter, type Reporter } from './harness.ts';

type Suite = (report: Reporter) => Promise<void>;

const folder = new URL('./suites/', import.meta.url);
const names = readdirSync(folder)
  .filter((file) => file.endsWith('.ts') && !file.includes('.test.'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();
const filters = process.argv.slice(2);
const selected = names.filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)));

const report = createReporter();
console.log(`# HTTP Sentinel benchmarks — node ${process.version}, ${new Date().toISOString()}`);
console.log(`suites: ${selected.join(', ') || '(none matched)'}`);
for (const name of selected) {
  const suite = ((await import(new URL(`${name}.ts`, folder).href)) as { default: Suite }).default;
  console.log(`\n## ${name}`);
  await suite(report);
}
