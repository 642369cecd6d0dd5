import { LimitAlgorithm, type Sample } from './limit-algorithm.ts';

/**
 * Additive increase, multiplicative decrease (TCP's congestion avoidance): while calls succeed
 * and the limit is in use, it grows by one per window of calls (`1 / limit` per success), and
 * an overload multiplies it by 0.9. Latency plays no part: it reacts to 429s, 503s and timeouts.
 * A limit that is not in use (fewer than half of it in flight) does not grow: success at low
 * load says nothing about the capacity.
 */
export class Aimd extends LimitAlgorithm {
  protected next(sample: Sample): number {
    return sample.inFlight * 2 >= this.limit ? this.limit + 1 / this.limit : this.limit;
  }
}
