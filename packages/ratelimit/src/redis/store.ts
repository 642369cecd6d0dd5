import { type Clock, type Disposer, Emitter, type Listener } from '@sentinel/core';
import { type RedisClientLike, ScriptRunner } from './client.ts';
import { CommandTimeouts } from './command-timeouts.ts';
import type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
import type { StoreErrorMode } from './options.ts';

/** What a limiter hands the store: how to reach Redis and which script decides. */
export interface ScriptStoreOptions {
  readonly owner: string;
  readonly redis: RedisClientLike;
  readonly key: string;
  readonly script: string;
  readonly sha: string;
  /** The script's arguments before the request pairs (the limiter's shape, e.g. interval and burst). */
  readonly head: readonly string[];
  /** Whether one request's reply has the script's shape (a number, or an array of numbers). */
  readonly isReply: (item: unknown) => boolean;
  readonly mode: StoreErrorMode;
  readonly commandTimeoutMs: number;
  readonly retryStoreAfterMs: number;
  readonly clock: Clock;
}

interface Request {
  readonly n: number;
  readonly arg: string;
  readonly settle: (reply: unknown) => void;
}

/**
 * The most requests one script run decides. A run blocks Redis while it executes (a request
 * costs well under a microsecond inside the script), so a burst of thousands is split.
 */
export const MAX_BATCH = 256;
const NO_REPLY = undefined;

/**
 * One Redis key's script, shared by every call of a limiter, with two jobs:
 *
 * - **Coalescing.** Requests made in the same tick (a `Promise.all` of 64 calls, or 64 workers
 *   resumed by one socket read) go to Redis as ONE script run that decides each of them in
 *   arrival order, exactly as separate runs would. It adds no delay: the batch leaves in a
 *   microtask, before any I/O. One round trip instead of 64 saves both the client's per-command
 *   cost and Redis's per-script cost, which is what makes the limiter faster than one script
 *   per call.
 * - **Health.** A failed or late run (command timeout) marks the store down: for
 *   `retryStoreAfterMs` requests skip Redis and settle with `undefined`, so the limiter applies
 *   its `onStoreError` mode without paying a timeout per call; then one run probes Redis again.
 */
export class ScriptStore {
  readonly key: string;
  readonly #options: ScriptStoreOptions;
  readonly #runner: ScriptRunner;
  readonly #timeouts: CommandTimeouts;
  readonly #down = new Emitter<RedisStoreDownEvent>();
  readonly #up = new Emitter<RedisStoreUpEvent>();
  #queue: Request[] = [];
  #scheduled = false;
  #downSince: number | undefined;
  #retryAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;

  readonly onStoreDown: (listener: Listener<RedisStoreDownEvent>) => Disposer = this.#down.subscribe;
  readonly onStoreUp: (listener: Listener<RedisStoreUpEvent>) => Disposer = this.#up.subscribe;

  constructor(options: ScriptStoreOptions) {
    this.key = options.key;
    this.#options = options;
    this.#runner = new ScriptRunner(options.redis, options.script, options.sha);
    this.#timeouts = new CommandTimeouts(options.clock, options.commandTimeoutMs);
  }

  /** Whether the last attempt to reach Redis failed. */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  /** The error that marked the store down. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Milliseconds until the next request will try Redis again (0 when it would now). */
  retryAfterMs(now: number): number {
    return Math.max(0, this.#retryAt - now);
  }

  /** The next request tries Redis even while the store is marked down (a health probe). */
  probeNext(): void {
    this.#retryAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Queues one request (`n` and its argument) for the next script run. `map` turns the script's
   * reply for it, or `undefined` when Redis could not answer, into the caller's result; a throw
   * from `map` rejects. No promise besides the caller's is made.
   */
  request<T>(n: number, arg: string, map: (reply: unknown) => T): Promise<T> {
    // The clock is read only while the store is marked down.
    if (this.#retryAt !== Number.NEGATIVE_INFINITY && this.#options.clock.now() < this.#retryAt) {
      try {
        return Promise.resolve(map(NO_REPLY));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const settle = (reply: unknown) => {
        try {
          resolve(map(reply));
        } catch (error) {
          reject(error);
        }
      };
      this.#queue.push({ n, arg, settle });
      if (!this.#scheduled) {
        this.#scheduled = true;
        queueMicrotask(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    if (queue.length <= MAX_BATCH) {
      this.#send(queue);
      return;
    }
    for (let i = 0; i < queue.length; i += MAX_BATCH) this.#send(queue.slice(i, i + MAX_BATCH));
  };

  #send(batch: readonly Request[]): void {
    const head = this.#options.head;
    const args = new Array<string>(head.length + batch.length * 2);
    for (let i = 0; i < head.length; i++) args[i] = head[i] as string;
    for (let i = 0, j = head.length; i < batch.length; i++, j += 2) {
      const request = batch[i] as Request;
      args[j] = String(request.n);
      args[j + 1] = request.arg;
    }
    this.#timeouts.bound(this.#runner.run(this.key, args)).then(
      (raw) => this.#deliver(batch, raw),
      (error: unknown) => this.#fail(batch, error),
    );
  }

  #deliver(batch: readonly Request[], raw: unknown): void {
    // One request: the script returns its reply as is; several: an array of them, in order.
    const isReply = this.#options.isReply;
    const valid =
      batch.length === 1 ? isReply(raw) : Array.isArray(raw) && raw.length === batch.length && raw.every(isReply);
    if (!valid) {
      this.#fail(batch, new Error(`${this.#options.owner}: unexpected reply from Redis: ${JSON.stringify(raw)}`));
      return;
    }
    if (this.#downSince !== undefined) {
      const downForMs = this.#options.clock.now() - this.#downSince;
      this.#downSince = undefined;
      this.#retryAt = Number.NEGATIVE_INFINITY;
      if (this.#up.hasListeners) this.#up.emit({ downForMs });
    }
    if (batch.length === 1) (batch[0] as Request).settle(raw);
    else for (let i = 0; i < batch.length; i++) (batch[i] as Request).settle((raw as unknown[])[i]);
  }

  #fail(batch: readonly Request[], error: unknown): void {
    const now = this.#options.clock.now();
    this.#lastError = error;
    this.#retryAt = now + this.#options.retryStoreAfterMs;
    if (this.#downSince === undefined) {
      this.#downSince = now;
      if (this.#down.hasListeners) this.#down.emit({ error, onStoreError: this.#options.mode });
    }
    for (const request of batch) request.settle(NO_REPLY);
  }
}
