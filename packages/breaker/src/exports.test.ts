import { describe, expect, it } from 'vitest';
import * as breaker from './index.ts';
import * as redis from './redis/index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/breaker', () => {
    expect(Object.keys(breaker).sort()).toMatchInlineSnapshot(`
      [
        "CIRCUIT_OPEN",
        "CircuitOpenError",
        "breakerGroup",
        "circuitBreaker",
        "consecutive",
        "countWindow",
        "isCircuitOpenError",
        "timeWindow",
      ]
    `);
  });

  it('@sentinel/breaker/redis', () => {
    expect(Object.keys(redis).sort()).toMatchInlineSnapshot(`
      [
        "syncBreakers",
      ]
    `);
  });
});
