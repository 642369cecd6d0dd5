import { describe, expect, it } from 'vitest';
import * as otel from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/otel', () => {
    expect(Object.keys(otel).sort()).toMatchInlineSnapshot(`
      [
        "DURATION_BUCKETS",
        "METRICS",
        "instrumentPolicy",
        "instrumentSentinel",
      ]
    `);
  });
});
