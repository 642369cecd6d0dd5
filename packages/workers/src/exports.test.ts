import { describe, expect, it } from 'vitest';
import * as workers from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/workers', () => {
    expect(Object.keys(workers).sort()).toMatchInlineSnapshot(`
      [
        "PoolClosedError",
        "QueueFullError",
        "WorkerCrashedError",
        "createThreadPool",
        "createWorkerPool",
        "formatReport",
        "isPoolClosedError",
        "isQueueFullError",
        "isWorkerCrashedError",
        "loadTest",
      ]
    `);
  });
});
