import { LimitAlgorithm, type RttStatus, type Sample } from './limit-algorithm.ts';

// Netflix concurrency-limits' Gradient2 defaults, applied once per window of calls.
const TOLERANCE = 1.5;
const SMOOTHING = 0.2;
/** Weight of a window's mean in the long-run latency: about the last 20 windows count. */
const LONG_WEIGHT = 0.05;

/**
 * A latency gradient (after Netflix's Gradient2): once per window of calls (as many calls as the
 * limit), it compares the window's mean latency (`short`) with a long-run average (`long`, the
 * latency without queueing). While `short` stays within 1.5× of `long` the limit grows by about
 * `0.2 × √limit` per window; when latency rises past that — the dependency is queueing — the
 * gradient `1.5 × long / short` (at least 0.5) shrinks it before any error. Overloads shrink it
 * like AIMD does. When `long` exceeds twice `short` (latency came back down after a long
 * overload) it decays faster, so the limit recovers.
 */
export class Gradient extends LimitAlgorithm {
  #count = 0;
  #sum = 0;
  #busiest = 0;
  #short: number | null = null;
  #long: number | null = null;

  protected next(sample: Sample): number {
    this.#count++;
    this.#sum += sample.rttMs;
    if (sample.inFlight > this.#busiest) this.#busiest = sample.inFlight;
    if (this.#count < Math.floor(this.limit)) return this.limit;
    const short = this.#sum / this.#count;
    const busiest = this.#busiest;
    this.#count = 0;
    this.#sum = 0;
    this.#busiest = 0;
    this.#short = short;
    let long = this.#long === null ? short : this.#long + LONG_WEIGHT * (short - this.#long);
    if (long > 2 * short) long *= 0.95;
    this.#long = long;
    // Not using half the limit: the latency says nothing about the capacity.
    if (busiest * 2 < this.limit) return this.limit;
    const gradient = short > 0 ? Math.max(0.5, Math.min(1, (TOLERANCE * long) / short)) : 1;
    const target = this.limit * gradient + Math.sqrt(this.limit);
    return this.limit * (1 - SMOOTHING) + target * SMOOTHING;
  }

  override get timed(): boolean {
    return true;
  }

  override rtt(): RttStatus {
    return { shortMs: this.#short, longMs: this.#long };
  }
}
