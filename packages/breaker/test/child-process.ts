// Shared with the other packages' multi-process tests.
export { type Child, spawnChild } from '../../ratelimit/test/child-process.ts';
