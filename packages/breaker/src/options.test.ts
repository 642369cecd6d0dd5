import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';

describe('circuitBreaker options', () => {
  it('rejects bad options with a ConfigError naming option, value and range', () => {
    const cases: [object, RegExp][] = [
      [
        { halfOpenAfter: -1 },
        /circuitBreaker: "halfOpenAfter" must be a finite number between 0 and 2147483647; received -1/,
      ],
      [{ halfOpenAfter: Number.NaN }, /"halfOpenAfter".*received NaN/],
      [{ halfOpenMaxCalls: 0 }, /"halfOpenMaxCalls" must be an integer >= 1; received 0/],
      [{ halfOpenMaxCalls: 1.5 }, /"halfOpenMaxCalls"/],
      [{ halfOpenSuccesses: 0 }, /"halfOpenSuccesses"/],
      [{ halfOpenProbeTimeoutMs: 0 }, /"halfOpenProbeTimeoutMs"/],
      [{ isFailure: 'yes' }, /"isFailure" must be a function/],
      [{ isIgnored: 1 }, /"isIgnored" must be a function/],
      [{ trigger: { kind: 'x' } }, /"trigger" must be a trigger/],
      [{ clock: {} }, /"clock" must be a Clock/],
      [{ random: 0.5 }, /"random" must be a function/],
      [{ treshold: 5 }, /"treshold" must be one of the known options/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        circuitBreaker(options as never);
      } catch (e) {
        error = e;
      }
      expect(isConfigError(error), JSON.stringify(options)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });
});
