/** One finished call, as a limit algorithm sees it. */
export interface Sample {
  /** The call's admission number (0, 1, 2, ... in the order calls were admitted). */
  readonly ticket: number;
  /** The admission number the next call will get: what was admitted so far. */
  readonly nextTicket: number;
  /** How long the call took, in ms (0 for an algorithm that does not time calls). */
  readonly rttMs: number;
  /** Calls in flight when it was admitted, itself included. */
  readonly inFlight: number;
  /** Whether its outcome said the dependency is overloaded. */
  readonly overload: boolean;
}

/** The latencies a gradient tracks, for `status()`. */
export interface RttStatus {
  /** Mean latency of the last complete window of calls, in ms. */
  readonly shortMs: number | null;
  /** Long-run average of those means: the latency taken as "no queueing", in ms. */
  readonly longMs: number | null;
}

/** How much the limit shrinks on an overload (Netflix concurrency-limits' default `backoffRatio`). */
export const BACKOFF_RATIO = 0.9;

/**
 * A concurrency limit that learns from finished calls. Every algorithm shrinks the same way on an
 * overload — multiplied by {@link BACKOFF_RATIO}, at most once per window: an overload from a call
 * admitted before the last decrease was caused by the old limit and says nothing new (a burst of
 * 503s from one window cuts the limit once, as TCP halves its window once per loss event). How
 * the limit grows, and whether latency shrinks it, is each algorithm's own `next`.
 */
export abstract class LimitAlgorithm {
  /** The current limit, a real number in [min, max]; calls admitted at once: its floor. */
  limit: number;
  readonly min: number;
  readonly max: number;
  // Admission number from which an overload counts again.
  #decreasedBefore = 0;

  constructor(initial: number, min: number, max: number) {
    this.limit = initial;
    this.min = min;
    this.max = max;
  }

  /** Learns from one finished call (an overload, or a success; other failures are not samples). */
  update(sample: Sample): void {
    if (sample.overload) {
      if (sample.ticket < this.#decreasedBefore) return;
      this.limit = Math.max(this.min, this.limit * BACKOFF_RATIO);
      this.#decreasedBefore = sample.nextTicket;
      return;
    }
    const next = this.next(sample);
    this.limit = Math.min(this.max, Math.max(this.min, next));
  }

  /** Whether it needs call latencies: only then are calls timed (two clock reads per call). */
  get timed(): boolean {
    return false;
  }

  /** The latencies tracked, when the algorithm tracks any. */
  rtt(): RttStatus | null {
    return null;
  }

  /** The limit after a successful call (before clamping to [min, max]). */
  protected abstract next(sample: Sample): number;
}
