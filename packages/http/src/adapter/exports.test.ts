import { describe, expect, it } from 'vitest';
import * as adapter from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/http/adapter', () => {
    expect(Object.keys(adapter).sort()).toMatchInlineSnapshot(`
      [
        "RequestNotReplayableError",
        "RequestSafety",
        "RetryableStatusError",
        "isRequestNotReplayableError",
        "isRetryableStatusError",
        "resolveAdapterOptions",
      ]
    `);
  });
});
