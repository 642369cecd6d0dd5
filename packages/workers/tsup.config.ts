import { packageBuild } from '../../tsup.shared.ts';

// The thread entry is its own entry point: piscina loads dist/thread-entry.js (ESM) or .cjs (CJS)
// by path in every pool thread. `shims` gives the CJS build a real `import.meta.url`, which the
// pool uses to find that file next to itself. bullmq and ioredis (for ./bullmq) are the user's
// optional peers, never bundled.
export default packageBuild(
  { index: 'src/index.ts', 'thread-entry': 'src/threads/thread-entry.ts', 'bullmq/index': 'src/bullmq/index.ts' },
  { shims: true, external: [/^@sentinel\//, /^http-sentinel(\/|$)/, 'bullmq', 'ioredis'] },
);
