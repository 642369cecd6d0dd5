import { describe, expect, it } from 'vitest';
import * as fetchAdapter from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/fetch', () => {
    expect(Object.keys(fetchAdapter).sort()).toMatchInlineSnapshot(`
      [
        "RequestNotReplayableError",
        "RequestSafety",
        "RetryableStatusError",
        "isRequestNotReplayableError",
        "isRetryableStatusError",
        "resolveAdapterOptions",
        "sentinelFetch",
        "withSentinel",
      ]
    `);
  });
});
