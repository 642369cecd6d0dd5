import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  clean: true,
  sourcemap: true,
  removeNodeProtocol: false,
  // Optional dependencies (the dashboard's /metrics) are imported when asked for, never bundled:
  // without them installed, the demo runs and the dashboard goes without /metrics.
  external: [/^@opentelemetry\//, '@sentinel/otel'],
});
