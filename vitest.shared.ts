import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript source through the
// custom "@sentinel/source" export condition, so no package has to be built
// before its dependents' tests run. Vitest runs node tests in Vite's SSR
// environment, so the condition must go in ssr.resolve.conditions (a plain
// resolve.conditions is ignored there).
export default defineConfig({
  ssr: {
    // Without Vite's "module" condition: @opentelemetry/* publish one whose ESM files use
    // extensionless imports, which Node's loader refuses. Node itself never uses "module", so
    // dependencies resolve in tests as they do in production.
    resolve: { conditions: ['@sentinel/source', ...defaultServerConditions.filter((c) => c !== 'module')] },
  },
  test: {
    include: ['src/**/*.test.ts', 'examples/**/*.test.ts'],
  },
});
