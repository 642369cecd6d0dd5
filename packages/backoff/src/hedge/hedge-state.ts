import {
  type Clock,
  ConfigError,
  type Emitter,
  type ExecutionContext,
  type Outcome,
  type Random,
} from '@sentinel/core';
import type { RetryBudget } from '../budget/retry-budget.ts';
import type { HedgeEvent, HedgeGiveUpEvent, WinEvent } from './events.ts';
import { LatencyWindow } from './latency-window.ts';
import type { HedgeSettings, ResolvedPercentile } from './options.ts';

/**
 * A policy's settings, counters and emitters, shared by its calls. Emitters are made on first
 * subscription, so a policy nobody listens to carries none.
 */
export class HedgeState {
  readonly maxHedges: number;
  readonly delay: HedgeSettings['delayMs'];
  readonly shouldHedge: (outcome: Outcome<unknown>, context: ExecutionContext) => boolean;
  readonly budget: RetryBudget | undefined;
  readonly clock: Clock;
  readonly random: Random;
  /** The latencies of recent calls, under a percentile delay. */
  readonly latencies: LatencyWindow | undefined;
  calls = 0;
  hedges = 0;
  primaryWins = 0;
  hedgeWins = 0;
  giveUps = 0;
  aborts = 0;
  budgetRefusals = 0;
  running = 0;
  hedgeEvents: Emitter<HedgeEvent> | undefined;
  winEvents: Emitter<WinEvent> | undefined;
  giveUpEvents: Emitter<HedgeGiveUpEvent> | undefined;

  constructor(settings: HedgeSettings) {
    this.maxHedges = settings.maxHedges;
    this.delay = settings.delayMs;
    this.shouldHedge = settings.shouldHedge;
    this.budget = settings.budget;
    this.clock = settings.clock;
    this.random = settings.random;
    const delay = settings.delayMs;
    this.latencies = typeof delay === 'object' ? new LatencyWindow(delay.window) : undefined;
  }

  /** The percentile delay's settings, or `undefined` for a number or a function. */
  get percentile(): ResolvedPercentile | undefined {
    return typeof this.delay === 'object' ? this.delay : undefined;
  }

  /**
   * How long to wait before hedge `hedge` (1-based), from the start of the latest attempt.
   * @throws ConfigError when a delay function returns something that is not a delay.
   */
  delayBefore(hedge: number, previousDelayMs: number): number {
    const delay = this.delay;
    if (typeof delay === 'number') return delay;
    if (typeof delay === 'function') {
      const ms = delay(hedge, previousDelayMs, this.random);
      if (typeof ms !== 'number' || !(ms >= 0)) {
        throw new ConfigError({
          owner: 'hedge',
          option: 'delayMs',
          value: ms,
          expected: 'a function returning a delay >= 0 (or Infinity)',
        });
      }
      return ms;
    }
    const latencies = this.latencies as LatencyWindow;
    return latencies.count >= delay.minSamples ? (latencies.percentile(delay.percentile) as number) : delay.initialMs;
  }
}
