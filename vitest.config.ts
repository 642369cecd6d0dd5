import { defineConfig, mergeConfig } from 'vitest/config';
import shared from './vitest.shared.ts';

// `pnpm test` at the root: every package's and app's tests in ONE vitest
// process and ONE Vite project (cheaper than `test.projects`, which starts a
// Vite server and a worker pool per project). Each package keeps its own
// vitest.config.ts for `pnpm --filter <pkg> test`.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['{packages,apps}/*/src/**/*.test.ts', '{packages,apps}/*/examples/**/*.test.ts'],
      // Reuse workers across test files: ~5x faster on 2 cores. Tests must not
      // leak global state between files.
      isolate: false,
      // Under CI, also write a JSON report: .ci/run turns it into the plain closing line
      // "tests: N passed, N failed, N skipped" that CI reads, keeping `pnpm test` the one command.
      reporters: process.env.CI === 'true' ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
    },
  }),
);
