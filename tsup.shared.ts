import { defineConfig, type Options } from 'tsup';

/**
 * The one tsup recipe every publishable package uses: ESM + CJS + .d.ts/.d.cts,
 * sourcemaps, Node 20 syntax. `entry` maps output names to sources, so a
 * sub-path such as `@sentinel/core/testing` becomes `dist/testing/index.*`.
 * Workspace siblings (and the package itself, for sub-paths that import the
 * root) stay external: they are dependencies, never inlined copies.
 */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    external: [/^@sentinel\//, /^http-sentinel(\/|$)/],
    // tsup 8 strips `node:` from builtin imports by default; keep them.
    removeNodeProtocol: false,
    ...overrides,
  });
}
