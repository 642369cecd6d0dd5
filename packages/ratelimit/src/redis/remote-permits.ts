import type { Clock, Disposer, Listener } from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
import type { ResolvedStoreOptions, StoreErrorMode } from './options.ts';
import { TICKS_PER_MS } from './script.ts';
import { ScriptStore } from './store.ts';

/** What every Redis limiter offers (`redisTokenBucket`, `redisSlidingWindow`). */
export interface RedisLimiter extends Limiter {
  readonly remote: true;
  readonly key: string;
  /** Takes `n` permits now if Redis has them (one round trip, shared with the calls of the same tick). */
  tryAcquire(n?: number): Promise<boolean>;
  /**
   * Reserves `n` permits in one round trip and resolves when the reservation is due; the order
   * of arrival at Redis is the order of service, across every process. An abort rejects at once
   * with `signal.reason` and gives the reservation back; a wait beyond `maxWaitMs` is refused
   * with a `RateLimitedError` (`reason: 'max-wait'`) without reserving anything.
   */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /** A local estimate from the last answer (no round trip). */
  estimateWaitMs(n?: number): number;
  /** Redis stopped answering: calls now follow `onStoreError`. */
  onStoreDown(listener: Listener<RedisStoreDownEvent>): Disposer;
  /** Redis answered again. */
  onStoreUp(listener: Listener<RedisStoreUpEvent>): Disposer;
}

/** What a Redis limiter is built from: its script, its reply shape, its local fallback. */
export interface RemoteLimiterParts {
  readonly owner: string;
  readonly options: ResolvedStoreOptions;
  readonly script: string;
  readonly sha: string;
  readonly head: readonly string[];
  readonly isReply: (item: unknown) => boolean;
  readonly localCapacity: number;
  readonly createLocal: () => LocalLimiter;
  readonly isGranted: (reply: unknown, n: number) => boolean;
  readonly decide: (reply: unknown, n: number) => Decision;
}

/** The store (script, batching, health) and the calls over it, for one Redis limiter. */
export function remoteLimiter(parts: RemoteLimiterParts): { store: ScriptStore; permits: RemotePermits } {
  const o = parts.options;
  const store = new ScriptStore({
    owner: parts.owner,
    redis: o.redis,
    key: o.key,
    script: parts.script,
    sha: parts.sha,
    head: parts.head,
    isReply: parts.isReply,
    mode: o.onStoreError,
    commandTimeoutMs: o.commandTimeoutMs,
    retryStoreAfterMs: o.retryStoreAfterMs,
    clock: o.clock,
  });
  const permits = new RemotePermits({
    owner: parts.owner,
    store,
    mode: o.onStoreError,
    clock: o.clock,
    localCapacity: parts.localCapacity,
    createLocal: parts.createLocal,
    isGranted: parts.isGranted,
    decide: parts.decide,
  });
  return { store, permits };
}

/** What one script reply says to an `acquire`. */
export interface Decision {
  readonly granted: boolean;
  /** Granted: the wait until the reservation is due; refused: the wait it would have needed. */
  readonly waitMs: number;
  /** The request (`n`, argument) that gives a granted reservation back. */
  readonly refundN: number;
  readonly refundArg: string;
}

/** The in-process limiter used while Redis is down, in `'local'` mode. */
export interface LocalLimiter {
  tryAcquire(n: number): boolean;
  acquire(n: number, options?: AcquireOptions): Promise<void>;
  estimateWaitMs(n: number): number;
}

/** What a Redis limiter plugs into {@link RemotePermits}. */
export interface RemotePermitsOptions {
  readonly owner: string;
  readonly store: ScriptStore;
  readonly mode: StoreErrorMode;
  readonly clock: Clock;
  /** The most permits the local fallback can grant at once. */
  readonly localCapacity: number;
  readonly createLocal: () => LocalLimiter;
  /** Whether a reply granted (and records what it says for local estimates). */
  readonly isGranted: (reply: unknown, n: number) => boolean;
  readonly decide: (reply: unknown, n: number) => Decision;
}

// "No limit" for a script's max wait, in ticks.
const UNBOUNDED = '1e30';
const identity = <T>(value: T): T => value;
const ignore = (): void => {};

/**
 * The calls both Redis limiters share: one script request per call (coalesced by the store),
 * `onStoreError` when Redis cannot answer, and `acquire`'s reservation: wait locally until it is
 * due, give it back on abort.
 */
export class RemotePermits {
  readonly #o: RemotePermitsOptions;
  #local: LocalLimiter | undefined;

  constructor(options: RemotePermitsOptions) {
    this.#o = options;
  }

  // Made once: the commonest call, tryAcquire(1), allocates no closure.
  readonly #mapTryOne = (reply: unknown): boolean =>
    reply === undefined ? this.#tryFallback(1) : this.#o.isGranted(reply, 1);

  tryAcquire(n: number): Promise<boolean> {
    if (n === 1) return this.#o.store.request(1, '0', this.#mapTryOne);
    return this.#o.store.request(n, '0', (reply) =>
      reply === undefined ? this.#tryFallback(n) : this.#o.isGranted(reply, n),
    );
  }

  async acquire(n: number, options: AcquireOptions | undefined): Promise<void> {
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const maxWaitMs = options?.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const maxWait = Number.isFinite(maxWaitMs) ? String(Math.floor(maxWaitMs * TICKS_PER_MS)) : UNBOUNDED;
    const call = this.#o.store.request(n, maxWait, identity);
    const reply =
      signal === undefined
        ? await call
        : await abortable(call, signal, (late) => {
            if (late !== undefined) this.#refund(this.#o.decide(late, n));
          });
    if (reply === undefined) return this.#acquireFallback(n, options);
    const decision = this.#o.decide(reply, n);
    if (!decision.granted) {
      throw new RateLimitedError(
        `${this.#o.owner}: the wait (about ${Math.ceil(decision.waitMs)} ms) would exceed maxWaitMs`,
        { reason: 'max-wait', retryAfterMs: decision.waitMs },
      );
    }
    if (decision.waitMs <= 0) return;
    try {
      await this.#o.clock.sleep(Math.ceil(decision.waitMs), signal);
    } catch (reason) {
      this.#refund(decision);
      throw reason;
    }
  }

  /** The estimate while the store is down (by `onStoreError`), or `undefined` while it is up. */
  estimateWhileDown(n: number): number | undefined {
    const store = this.#o.store;
    if (!store.down) return undefined;
    if (this.#o.mode === 'local') return this.#fallback().estimateWaitMs(Math.min(n, this.#o.localCapacity));
    if (this.#o.mode === 'fail-closed') return store.retryAfterMs(this.#o.clock.now());
    return 0;
  }

  #tryFallback(n: number): boolean {
    switch (this.#o.mode) {
      case 'fail-open':
        return true;
      case 'fail-closed':
        return false;
      default:
        return n <= this.#o.localCapacity && this.#fallback().tryAcquire(n);
    }
  }

  async #acquireFallback(n: number, options: AcquireOptions | undefined): Promise<void> {
    const { mode, store, owner } = this.#o;
    if (mode === 'fail-open') return;
    if (mode === 'local' && n <= this.#o.localCapacity) return this.#fallback().acquire(n, options);
    throw new RateLimitedError(`${owner}: Redis is unavailable (onStoreError: '${mode}')`, {
      reason: 'store-unavailable',
      retryAfterMs: store.retryAfterMs(this.#o.clock.now()),
      cause: store.lastError,
    });
  }

  #fallback(): LocalLimiter {
    this.#local ??= this.#o.createLocal();
    return this.#local;
  }

  // Gives an unused reservation back; best effort (if Redis is gone, it expires anyway).
  #refund(decision: Decision): void {
    if (decision.granted) void this.#o.store.request(decision.refundN, decision.refundArg, ignore);
  }
}

/** Rejects at once with `signal.reason` on abort; `onLate` sees the result that came after. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, onLate: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
