import { describe, expect, it } from 'vitest';
import { BAD_NUMBERS, expectCoherent } from '../../core/test/coherent-message.ts';
import { retryBudget } from './budget/retry-budget.ts';
import { hedge } from './hedge/hedge.ts';
import { retry } from './retry/retry.ts';
import { delays } from './schedules/delays.ts';
import { capped } from './schedules/modifiers.ts';
import { constant, decorrelatedJitter, exponential, linear } from './schedules/shapes.ts';

/*
 * Every numeric option of every factory, handed the usual mistakes: each refusal names one
 * coherent range (issue 15 §2: `retry({ maxElapsedMs: 0 })` said "must be a number > 0 and >= 0").
 */
const OPTIONS: Record<string, (value: unknown) => unknown> = {
  'retry.maxAttempts': (v) => retry({ maxAttempts: v as number }),
  'retry.maxAttempts (with a deadline)': (v) => retry({ maxAttempts: v as number, maxElapsedMs: 1_000 }),
  'retry.maxRetryAfterMs': (v) => retry({ maxRetryAfterMs: v as number }),
  'retry.maxElapsedMs': (v) => retry({ maxElapsedMs: v as number }),
  'retryBudget.ratio': (v) => retryBudget({ ratio: v as number }),
  'retryBudget.minPerSecond': (v) => retryBudget({ minPerSecond: v as number }),
  'retryBudget.windowMs': (v) => retryBudget({ windowMs: v as number }),
  'hedge.maxHedges': (v) => hedge({ delayMs: 10, maxHedges: v as number }),
  'hedge.delayMs': (v) => hedge({ delayMs: v as number }),
  'hedge.delayMs.percentile': (v) => hedge({ delayMs: { percentile: v as number } }),
  'hedge.delayMs.window': (v) => hedge({ delayMs: { percentile: 50, window: v as number } }),
  'hedge.delayMs.minSamples': (v) => hedge({ delayMs: { percentile: 50, window: 1, minSamples: v as number } }),
  'hedge.delayMs.initialMs': (v) => hedge({ delayMs: { percentile: 50, initialMs: v as number } }),
  'constant.ms': (v) => constant(v as number),
  'linear.initialMs': (v) => linear({ initialMs: v as number }),
  'linear.stepMs': (v) => linear({ initialMs: 1, stepMs: v as number }),
  'exponential.initialMs': (v) => exponential({ initialMs: v as number }),
  'exponential.factor': (v) => exponential({ factor: v as number }),
  'exponential.maxMs': (v) => exponential({ initialMs: 200, maxMs: v as number }),
  'decorrelatedJitter.maxMs': (v) => decorrelatedJitter({ initialMs: 200, maxMs: v as number }),
  'capped.maxMs': (v) => capped(constant(1), v as number),
  'delays.n': (v) => delays(constant(1), v as number),
};

describe('every option error names one coherent range', () => {
  it.each(Object.entries(OPTIONS))('%s', (_, build) => {
    const messages = [...BAD_NUMBERS, 0, -0].map((value) => expectCoherent(build, value)).filter(Boolean);
    expect(messages.length).toBeGreaterThan(0);
  });
});
