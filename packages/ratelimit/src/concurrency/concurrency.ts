import {
  type Clock,
  ConfigError,
  contextFor,
  type ExecuteOptions,
  isAborted,
  type Operation,
  type Policy,
  runOperation,
} from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import { GRANTED, maxWaitError, permitError } from '../internal/permits.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import { type ConcurrencyOptions, resolveConcurrencyOptions } from './options.ts';

/** A plain, JSON-serialisable snapshot of a bulkhead. */
export interface ConcurrencyStatus {
  /** Slots held now. */
  readonly active: number;
  readonly max: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
  /** `null` when the queue is unbounded. */
  readonly maxQueue: number | null;
}

/**
 * A bulkhead: at most `max` calls at once. It is both a `Policy` (`execute` holds a slot for the
 * duration of the call) and a `Limiter` (`acquire` / `release` by hand, or through `rateLimit`).
 */
export interface Concurrency extends Limiter, Policy {
  /** Takes `n` slots now if free and nobody waits. */
  tryAcquire(n?: number): boolean;
  /**
   * Resolves when `n` slots are held, FIFO. Rejects with `signal.reason` on abort (the waiter
   * leaves at once), or with a `RateLimitedError` when the queue is full or `maxWaitMs` passes.
   */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /**
   * Gives back `n` slots and hands them to the waiters in order.
   * @throws ConfigError when releasing more slots than are held (a bookkeeping bug).
   */
  release(n?: number): void;
  /** Runs `fn` holding one slot; the slot is released however the call ends. */
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T>;
  status(): ConcurrencyStatus;
}

interface Waiter {
  readonly n: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  cleanup: (() => void) | undefined;
  queued: boolean;
  next: Waiter | undefined;
  prev: Waiter | undefined;
}

const OWNER = 'concurrency';
const noop = () => {};

class Bulkhead implements Concurrency {
  #active = 0;
  #waiting = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;
  readonly #max: number;
  readonly #maxQueue: number;
  readonly #clock: Clock;
  readonly #releaseOne = () => this.release(1);

  constructor(options: ConcurrencyOptions) {
    const o = resolveConcurrencyOptions(options);
    this.#max = o.max;
    this.#maxQueue = o.maxQueue;
    this.#clock = o.clock;
  }

  tryAcquire(n = 1): boolean {
    // Number.isInteger first: it never converts, so `n` with a valueOf is not called here.
    if (Number.isInteger(n) && n >= 1 && this.#waiting === 0 && this.#active + n <= this.#max) {
      this.#active += n;
      return true;
    }
    const error = permitError(OWNER, n, this.#max);
    if (error !== undefined) throw error;
    return false;
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#max) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiting === 0 && this.#active + n <= this.#max) {
      this.#active += n;
      return GRANTED;
    }
    if (this.#waiting >= this.#maxQueue) {
      return Promise.reject(
        new RateLimitedError(`${OWNER}: the wait queue is full (maxQueue ${this.#maxQueue})`, { reason: 'queue-full' }),
      );
    }
    const maxWaitMs = options?.maxWaitMs ?? Number.POSITIVE_INFINITY;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        reject,
        cleanup: undefined,
        queued: true,
        next: undefined,
        prev: this.#tail,
      };
      const leave = (reason: unknown) => {
        // A deadline and a grant can land in the same tick: whichever came first wins.
        if (!waiter.queued) return;
        this.#remove(waiter);
        reject(reason);
        // A large head leaving may let smaller waiters behind it in.
        this.#drain();
      };
      let timer: AbortController | undefined;
      const onAbort = () => leave((signal as AbortSignal).reason);
      if (Number.isFinite(maxWaitMs)) {
        // No queue-wide estimate exists for a bulkhead (slots come back when calls end), so each
        // bounded waiter has its own deadline.
        timer = new AbortController();
        this.#clock.sleep(maxWaitMs, timer.signal).then(
          () =>
            leave(
              new RateLimitedError(`${OWNER}: no slot within maxWaitMs (${maxWaitMs} ms)`, {
                reason: 'max-wait',
              }),
            ),
          noop,
        );
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.cleanup = () => {
        timer?.abort();
        signal?.removeEventListener('abort', onAbort);
      };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.#waiting++;
    });
  }

  release(n = 1): void {
    if (!(Number.isInteger(n) && n >= 1 && n <= this.#active)) {
      const held = this.#active;
      // With no slot held, "between 1 and 0" would contradict itself: say what is wrong instead.
      const expected =
        held === 0
          ? 'at most the slots held, and none is held (a release without a matching acquire)'
          : held === 1
            ? '1 (the one slot held)'
            : `an integer between 1 and ${held} (the slots held)`;
      throw new ConfigError({ owner: `${OWNER}.release`, option: 'n', value: n, expected });
    }
    this.#active -= n;
    this.#drain();
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    // Before the slot: an aborted call holds nothing, even for a moment.
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    if (this.tryAcquire(1)) return this.#run(fn, options);
    return this.acquire(1, { signal: options?.signal }).then(() => this.#run(fn, options));
  }

  #run<T>(fn: Operation<T>, options: ExecuteOptions | undefined): Promise<T> {
    const release = this.#releaseOne;
    return runOperation(fn, contextFor(options)).then(
      (value) => {
        release();
        return value;
      },
      (error: unknown) => {
        release();
        throw error;
      },
    );
  }

  status(): ConcurrencyStatus {
    return {
      active: this.#active,
      max: this.#max,
      waiting: this.#waiting,
      maxQueue: Number.isFinite(this.#maxQueue) ? this.#maxQueue : null,
    };
  }

  #drain(): void {
    for (let head = this.#head; head !== undefined && this.#active + head.n <= this.#max; head = this.#head) {
      this.#remove(head);
      this.#active += head.n;
      head.resolve();
    }
  }

  #remove(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.next = undefined;
    waiter.prev = undefined;
    waiter.queued = false;
    this.#waiting--;
    waiter.cleanup?.();
  }
}

/**
 * A bulkhead: at most `max` calls run at once; the rest wait in FIFO order (up to `maxQueue`).
 * A slot is always released when the call settles or throws synchronously, and a caller aborted
 * while queued leaves the queue at once without ever holding a slot. A signal already aborted when
 * `execute` (or `acquire`) is called rejects with its reason at once: no slot, no call.
 *
 * @throws ConfigError for a bad option.
 */
export function concurrency(options: ConcurrencyOptions): Concurrency {
  return new Bulkhead(options);
}
