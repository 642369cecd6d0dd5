import type { Clock } from '@sentinel/core';
import { RequestTimeoutError, type TimeoutPhase } from '../errors.ts';

/**
 * undici enforces headers and body timeouts with its "fast timers", whose resolution is about
 * one second: fine for the 30 s defaults, useless for a 50 ms timeout. When a phase timeout is
 * under {@link PRECISE_BELOW_MS}, the attempt gets this watchdog instead: one pending timer at a
 * time, sleeping until the earliest phase deadline and checking on wake (body activity only
 * moves a timestamp, never re-arms a timer), which aborts the attempt's own signal with a
 * phased {@link RequestTimeoutError}.
 */
export const PRECISE_BELOW_MS = 1_000;

export class Watchdog {
  readonly #clock: Clock;
  readonly #attempt = new AbortController();
  readonly #stop = new AbortController();
  #unlink: (() => void) | undefined;
  readonly #headersMs: number;
  readonly #bodyIdleMs: number;
  readonly #totalMs: number;
  readonly #totalDeadline: number;
  readonly #url: string;
  #phase: 'headers' | 'body' | 'done' = 'headers';
  #deadline: number;
  #last = 0;
  // When the pending sleep wakes, and the controller that cancels just that sleep.
  #wakeAt = Number.POSITIVE_INFINITY;
  #nap: AbortController | undefined;

  constructor(
    exchange: {
      clock: Clock;
      headersMs: number;
      bodyIdleMs: number;
      totalMs: number;
      deadline: number;
      request: { url: URL };
    },
    parent: AbortSignal | undefined,
  ) {
    const clock = exchange.clock;
    this.#clock = clock;
    this.#headersMs = exchange.headersMs;
    this.#bodyIdleMs = exchange.bodyIdleMs;
    this.#totalMs = exchange.totalMs;
    this.#totalDeadline = exchange.deadline;
    this.#url = exchange.request.url.href;
    this.#deadline = clock.now() + this.#headersMs;
    if (parent === undefined) {
      // Nothing to follow.
    } else if (parent.aborted) this.#attempt.abort(parent.reason);
    else {
      const onAbort = () => this.#attempt.abort(parent.reason);
      parent.addEventListener('abort', onAbort, { once: true });
      this.#unlink = () => parent.removeEventListener('abort', onAbort);
    }
    this.#watch().catch(() => {});
  }

  /** The signal to hand to undici for this attempt. */
  get signal(): AbortSignal {
    return this.#attempt.signal;
  }

  /** A new hop of a redirect: the headers phase starts over. */
  restart(): void {
    this.#phase = 'headers';
    this.#deadline = this.#clock.now() + this.#headersMs;
    this.#rearm(this.#deadline);
  }

  /** Headers arrived: from now on only silence in the body counts. */
  headers(): void {
    this.#phase = 'body';
    this.#last = this.#clock.now();
    this.#rearm(this.#last + this.#bodyIdleMs);
  }

  // A phase change may bring the next deadline before the pending wake-up: wake up earlier.
  #rearm(due: number): void {
    if (due < this.#wakeAt && this.#nap !== undefined) this.#nap.abort();
  }

  /** A body chunk arrived. */
  readonly activity = (): void => {
    this.#last = this.#clock.now();
  };

  /**
   * Stop watching. With `keepLink`, the caller's signal still reaches the request (a streamed
   * body being read); call {@link Watchdog.unlink} when that stream closes.
   */
  done(keepLink = false): void {
    this.#phase = 'done';
    this.#stop.abort();
    if (!keepLink) this.unlink();
  }

  /** Removes the listener on the caller's signal. Idempotent. */
  readonly unlink = (): void => {
    this.#unlink?.();
    this.#unlink = undefined;
  };

  async #watch(): Promise<void> {
    for (;;) {
      if (this.#phase === 'done' || this.#attempt.signal.aborted) return;
      const phaseDue = this.#phase === 'headers' ? this.#deadline : this.#last + this.#bodyIdleMs;
      const due = Math.min(phaseDue, this.#totalDeadline);
      const now = this.#clock.now();
      if (now >= due) {
        const phase: TimeoutPhase = now >= this.#totalDeadline ? 'total' : this.#phase;
        const ms = phase === 'total' ? this.#totalMs : phase === 'headers' ? this.#headersMs : this.#bodyIdleMs;
        this.#attempt.abort(new RequestTimeoutError(phase, ms, this.#url));
        this.#stop.abort();
        return;
      }
      const nap = new AbortController();
      const onStop = () => nap.abort();
      this.#stop.signal.addEventListener('abort', onStop, { once: true });
      this.#nap = nap;
      this.#wakeAt = due;
      await this.#clock.sleep(due - now, nap.signal).catch(() => {});
      this.#stop.signal.removeEventListener('abort', onStop);
      this.#nap = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      if (this.#stop.signal.aborted) return;
    }
  }
}
