import { describe, expect, it } from 'vitest';
import * as bullmq from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/workers/bullmq', () => {
    expect(Object.keys(bullmq).sort()).toMatchInlineSnapshot(`
      [
        "CloseTimeoutError",
        "SENTINEL_BACKOFF",
        "UNKEYED_WRITE_MARK",
        "createQueueWorker",
      ]
    `);
  });
});
