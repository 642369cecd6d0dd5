import * as adapter from '@sentinel/http/adapter';
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

  it('the adapter building blocks that moved to @sentinel/http/adapter are the very same objects here', () => {
    const ours: Record<string, unknown> = { ...fetchAdapter };
    for (const [name, value] of Object.entries(adapter)) expect(ours[name], name).toBe(value);
  });
});
