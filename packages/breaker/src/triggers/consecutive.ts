import { optionChecker } from '@sentinel/core';
import { metricsOf, type Trigger, type TriggerMetrics, type TriggerSnapshot, type TriggerWindow } from './trigger.ts';

/** Options of {@link consecutive}. */
export interface ConsecutiveOptions {
  /**
   * Opens the breaker after this many failures in a row (any success starts the count again): an
   * integer >= 1. This is the seed's `circuit_failure_threshold`.
   */
  readonly threshold: number;
}

/** The `consecutive` trigger: its options, for tools and tests. */
export interface ConsecutiveTrigger extends Trigger {
  readonly kind: 'consecutive';
  readonly threshold: number;
}

const check = optionChecker('consecutive');

/**
 * Opens after `threshold` failures in a row. The cheapest trigger (one counter, no clock), and
 * the one that reacts fastest to a dependency that goes down hard. It does not detect slow calls:
 * use a count or time window for that.
 *
 * @throws ConfigError when `threshold` is not an integer >= 1.
 */
export function consecutive(options: ConsecutiveOptions): ConsecutiveTrigger {
  const opts = check.options(options, ['threshold']);
  const threshold = check.integer('threshold', opts.threshold, { min: 1, max: Number.MAX_SAFE_INTEGER });
  return Object.freeze({
    kind: 'consecutive' as const,
    threshold,
    slowCallMs: undefined,
    needsTime: false,
    create: () => new ConsecutiveWindow(threshold),
  });
}

class ConsecutiveWindow implements TriggerWindow {
  readonly #threshold: number;
  #failures = 0;

  constructor(threshold: number) {
    this.#threshold = threshold;
  }

  record(failed: boolean): boolean {
    if (!failed) {
      this.#failures = 0;
      return false;
    }
    return ++this.#failures >= this.#threshold;
  }

  reset(): void {
    this.#failures = 0;
  }

  metrics(): TriggerMetrics {
    return metricsOf(this.#failures, this.#failures, 0);
  }

  snapshot(): TriggerSnapshot {
    return { kind: 'consecutive', failures: this.#failures };
  }

  restore(snapshot: unknown): void {
    const failures = (snapshot as { failures?: unknown }).failures;
    if (typeof failures !== 'number' || !Number.isInteger(failures) || failures < 0 || failures > this.#threshold) {
      optionChecker('circuitBreaker').fail(
        'initialState.window.failures',
        failures,
        `an integer between 0 and the threshold (${this.#threshold})`,
      );
    }
    this.#failures = failures as number;
  }
}
