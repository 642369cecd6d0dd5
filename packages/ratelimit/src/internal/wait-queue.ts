import type { Clock } from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';

/** A limiter whose permits come back with time (a token bucket, a sliding window). */
export interface TimedSource {
  /** Takes `n` permits at time `now` if available. */
  take(n: number, now: number): boolean;
  /** Milliseconds from `now` until `n` permits would be available if nobody else took any. */
  waitFor(n: number, now: number): number;
}

interface Waiter {
  readonly n: number;
  readonly deadline: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

const noop = () => {};

/**
 * The FIFO queue of a time-based limiter. Waiters are served strictly in arrival order, so a
 * large request is never starved by small ones. Exactly ONE sleep is pending at a time: for the
 * head of the queue, until it can be served. It is cancelled (through an AbortController) and
 * re-armed only when the head or the limiter's timeline changes, and it does not exist when
 * nobody waits. The clock's timers are unref'd (systemClock), so a queue never keeps a process alive.
 */
export class WaitQueue {
  /** Number of waiters. A plain field: the limiter's fast path reads it. */
  size = 0;
  /** Sum of the permits the waiters ask for. */
  permits = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  #timer: AbortController | undefined;
  #timerDue = 0;
  readonly #source: TimedSource;
  readonly #clock: Clock;
  readonly #owner: string;

  constructor(owner: string, source: TimedSource, clock: Clock) {
    this.#owner = owner;
    this.#source = source;
    this.#clock = clock;
  }

  /**
   * Queues a request for `n` permits. Rejects at once when the queue holds `maxQueue` waiters,
   * or when the wait, estimated behind everyone already queued, exceeds `maxWaitMs`.
   */
  enqueue(n: number, signal: AbortSignal | undefined, maxWaitMs: number, maxQueue: number): Promise<void> {
    const now = this.#clock.now();
    const estimate = this.#source.waitFor(this.permits + n, now);
    if (this.size >= maxQueue) {
      return Promise.reject(
        new RateLimitedError(`${this.#owner}: the wait queue is full (maxQueue ${maxQueue})`, {
          reason: 'queue-full',
          retryAfterMs: estimate,
        }),
      );
    }
    if (estimate > maxWaitMs) return Promise.reject(maxWaitRejection(this.#owner, estimate, maxWaitMs));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        deadline: now + maxWaitMs,
        resolve,
        reject,
        signal,
        onAbort: undefined,
        prev: this.#tail,
        next: undefined,
      };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          this.#remove(waiter);
          reject(signal.reason);
          // The head changed: the next waiter may fit now, or need a different wake-up time.
          if (waiter.prev === undefined) this.drain();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.size++;
      this.permits += n;
      if (this.#head === waiter) this.#schedule(now);
    });
  }

  /** Serves waiters from the head while permits are available, then re-arms the one sleep. */
  drain(): void {
    const now = this.#clock.now();
    for (let head = this.#head; head !== undefined && this.#source.take(head.n, now); head = this.#head) {
      this.#remove(head);
      head.resolve();
    }
    this.#schedule(now);
  }

  /**
   * After the limiter's timeline moved (a pause, a penalty): rejects the waiters that can no
   * longer be served before their deadline, then re-arms the sleep.
   */
  recheck(): void {
    const now = this.#clock.now();
    let ahead = 0;
    for (let waiter = this.#head; waiter !== undefined; ) {
      const next = waiter.next;
      const estimate = this.#source.waitFor(ahead + waiter.n, now);
      if (now + estimate > waiter.deadline) {
        this.#remove(waiter);
        waiter.reject(maxWaitRejection(this.#owner, estimate, waiter.deadline - now));
      } else {
        ahead += waiter.n;
      }
      waiter = next;
    }
    this.drain();
  }

  #schedule(now: number): void {
    const head = this.#head;
    if (head === undefined) {
      this.#cancelTimer();
      return;
    }
    // Whole milliseconds, at least 1: platform timers have ms resolution and a 0 ms wait would spin.
    const due = now + Math.max(1, Math.ceil(this.#source.waitFor(head.n, now)));
    if (this.#timer !== undefined && this.#timerDue === due) return;
    this.#cancelTimer();
    const timer = new AbortController();
    this.#timer = timer;
    this.#timerDue = due;
    this.#clock.sleep(due - now, timer.signal).then(() => {
      if (this.#timer !== timer) return;
      this.#timer = undefined;
      this.drain();
    }, noop);
  }

  #cancelTimer(): void {
    const timer = this.#timer;
    if (timer === undefined) return;
    this.#timer = undefined;
    timer.abort();
  }

  #remove(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    // Keep `prev` readable for the abort handler (was it the head?), unlink from the list.
    waiter.next = undefined;
    this.size--;
    this.permits -= waiter.n;
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }
}

function maxWaitRejection(owner: string, estimate: number, maxWaitMs: number): RateLimitedError {
  return new RateLimitedError(
    `${owner}: the wait (about ${Math.ceil(estimate)} ms) would exceed maxWaitMs (${maxWaitMs} ms)`,
    { reason: 'max-wait', retryAfterMs: estimate },
  );
}
