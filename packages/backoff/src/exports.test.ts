import { describe, expect, it } from 'vitest';
import * as backoff from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/backoff', () => {
    expect(Object.keys(backoff).sort()).toMatchInlineSnapshot(`
      [
        "AttemptSupersededError",
        "HedgeLostError",
        "capped",
        "constant",
        "decorrelatedJitter",
        "delays",
        "equalJitter",
        "exponential",
        "fullJitter",
        "hedge",
        "isAttemptSupersededError",
        "isHedgeLostError",
        "linear",
        "retry",
        "retryBudget",
        "retryPresets",
      ]
    `);
  });
});
