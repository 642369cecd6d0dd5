import { describe, expect, it } from 'vitest';
import * as chaos from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/chaos', () => {
    expect(Object.keys(chaos).sort()).toMatchInlineSnapshot(`
      [
        "ChaosError",
        "chaos",
        "isChaosError",
        "seededRandom",
        "startChaosServer",
      ]
    `);
  });
});
