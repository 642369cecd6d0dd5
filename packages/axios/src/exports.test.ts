import { describe, expect, it } from 'vitest';
import * as axiosAdapter from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/axios', () => {
    expect(Object.keys(axiosAdapter).sort()).toMatchInlineSnapshot(`
      [
        "RequestNotReplayableError",
        "RetryableStatusError",
        "isRequestNotReplayableError",
        "isRetryableStatusError",
        "withSentinel",
      ]
    `);
  });
});
