import { type Clock, TimeoutError } from '@sentinel/core';

interface Pending {
  readonly start: number;
  readonly reject: (error: unknown) => void;
}

const noop = () => {};

/**
 * Bounds every Redis command by `timeoutMs` with at most ONE timer, whatever the concurrency:
 * commands are tracked in start order, and a single sleep wakes when the oldest would be late,
 * fails the late ones with a `TimeoutError`, and re-arms for the next. Once nothing is in flight
 * the timer lapses at its next wake-up (within `timeoutMs`) and is not re-armed; the clock's
 * timers are unref'd. (A timer per command would cost an AbortController and a timer per call on
 * the hottest path.)
 */
export class CommandTimeouts {
  readonly #pending = new Set<Pending>();
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #armed = false;

  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  /** Settles like `promise`, or rejects with a `TimeoutError` once it is `timeoutMs` late. */
  bound<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { start: this.#clock.now(), reject };
      this.#pending.add(entry);
      promise.then(
        (value) => {
          if (this.#pending.delete(entry)) resolve(value);
        },
        (error: unknown) => {
          if (this.#pending.delete(entry)) reject(error);
        },
      );
      if (!this.#armed) this.#arm(this.#timeoutMs);
    });
  }

  #arm(ms: number): void {
    this.#armed = true;
    this.#clock.sleep(Math.max(1, Math.ceil(ms))).then(() => this.#check(), noop);
  }

  #check(): void {
    const now = this.#clock.now();
    for (const entry of this.#pending) {
      const due = entry.start + this.#timeoutMs;
      if (due > now) {
        this.#arm(due - now);
        return;
      }
      this.#pending.delete(entry);
      entry.reject(new TimeoutError(this.#timeoutMs));
    }
    this.#armed = false;
  }
}
