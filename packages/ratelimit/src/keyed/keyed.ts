import { type Clock, optionChecker, systemClock } from '@sentinel/core';
import type { AcquireOptions, Limiter } from '../limiter.ts';

/** Options of {@link keyed}. */
export interface KeyedOptions<L, K> {
  /** Makes the limiter for a key seen for the first time (or again after eviction). */
  readonly create: (key: K) => L;
  /**
   * The most keys kept; the least recently used key is evicted beyond it. An integer >= 1.
   * @default 10_000
   */
  readonly maxKeys?: number | undefined;
  /**
   * A key unused for this long is evicted (checked lazily, at the next access: no timers).
   * Choose at least the time your limiter needs to return to its fresh state (a token bucket's
   * `capacity / refillPerSecond`, a sliding window's `windowMs`): eviction is then lossless.
   * A number > 0 (or Infinity: evict by `maxKeys` only).
   * @default Infinity
   */
  readonly idleMs?: number | undefined;
  /**
   * Where idle time is read.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** A plain, JSON-serialisable snapshot of a keyed limiter. */
export interface KeyedStatus {
  readonly keys: number;
  readonly maxKeys: number;
  /** `null` when keys never expire by idleness. */
  readonly idleMs: number | null;
  /** Keys evicted so far (LRU or idle). */
  readonly evicted: number;
}

/** One limiter per key: see {@link keyed}. */
export interface Keyed<L extends Limiter, K = string> {
  /** The limiter for `key`, created on first use; marks the key as recently used. */
  get(key: K): L;
  /** `get(key).tryAcquire(n)`. */
  tryAcquire(key: K, n?: number): ReturnType<L['tryAcquire']>;
  /** `get(key).acquire(n, options)`; the key is not evicted while the call waits. */
  acquire(key: K, n?: number, options?: AcquireOptions): Promise<void>;
  /** Whether `key` has a live limiter (does not touch it). */
  has(key: K): boolean;
  /** Forgets `key`; the next `get` creates a fresh limiter. */
  delete(key: K): boolean;
  /** Forgets every key. */
  clear(): void;
  /** Number of keys held. */
  readonly size: number;
  status(): KeyedStatus;
}

interface Entry<L, K> {
  readonly key: K;
  readonly limiter: L;
  lastUsed: number;
  // acquire() calls in flight through this keyed limiter: such a key is never evicted.
  busy: number;
  // Recency list, least recently used first. (A Map's own insertion order would do, but V8
  // leaves a hole per deleted entry and iterating from the front skips them all: O(n) per use.)
  older: Entry<L, K> | undefined;
  newer: Entry<L, K> | undefined;
}

class KeyedLimiters<L extends Limiter, K> implements Keyed<L, K> {
  readonly #entries = new Map<K, Entry<L, K>>();
  #oldest: Entry<L, K> | undefined;
  #newest: Entry<L, K> | undefined;
  readonly #create: (key: K) => L;
  readonly #maxKeys: number;
  readonly #idleMs: number;
  readonly #clock: Clock;
  #evicted = 0;

  constructor(options: KeyedOptions<L, K>) {
    const check = optionChecker('keyed');
    const opts = check.options(options, ['create', 'maxKeys', 'idleMs', 'clock']);
    this.#create = check.function('create', opts.create);
    this.#maxKeys = check.number('maxKeys', opts.maxKeys, { integer: true, min: 1 }, 10_000);
    this.#idleMs = check.number(
      'idleMs',
      opts.idleMs,
      { greaterThan: 0, allowInfinity: true },
      Number.POSITIVE_INFINITY,
    );
    const clock = opts.clock ?? systemClock;
    if (typeof clock !== 'object' || typeof clock.now !== 'function') check.fail('clock', clock, 'a Clock');
    this.#clock = clock;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): L {
    return this.#touch(key).limiter;
  }

  tryAcquire(key: K, n?: number): ReturnType<L['tryAcquire']> {
    return this.#touch(key).limiter.tryAcquire(n) as ReturnType<L['tryAcquire']>;
  }

  acquire(key: K, n?: number, options?: AcquireOptions): Promise<void> {
    // An aborted call touches nothing: no limiter is created, and no other key is evicted for it.
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const entry = this.#touch(key);
    entry.busy++;
    const done = () => {
      entry.busy--;
      if (this.#idleMs !== Number.POSITIVE_INFINITY) entry.lastUsed = this.#clock.now();
      if (this.#entries.get(entry.key) === entry) this.#toNewest(entry);
    };
    return entry.limiter.acquire(n, options).then(done, (error: unknown) => {
      done();
      throw error;
    });
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  delete(key: K): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#unlink(entry);
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#oldest = undefined;
    this.#newest = undefined;
  }

  status(): KeyedStatus {
    this.#evictIdle(this.#clock.now());
    return {
      keys: this.#entries.size,
      maxKeys: this.#maxKeys,
      idleMs: Number.isFinite(this.#idleMs) ? this.#idleMs : null,
      evicted: this.#evicted,
    };
  }

  #touch(key: K): Entry<L, K> {
    // Recency order is the list itself; time matters only for idle eviction.
    const now = this.#idleMs === Number.POSITIVE_INFINITY ? 0 : this.#clock.now();
    this.#evictIdle(now);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { key, limiter: this.#create(key), lastUsed: now, busy: 0, older: undefined, newer: undefined };
      this.#entries.set(key, entry);
      this.#link(entry);
      if (this.#entries.size > this.#maxKeys) this.#evictOldest(entry);
    } else {
      entry.lastUsed = now;
      this.#toNewest(entry);
    }
    return entry;
  }

  // Amortised O(1): only the least recently used entries are looked at, oldest first, each at
  // most once per call (a busy one moves to the newest end, past the last one looked at).
  #evictIdle(now: number): void {
    if (this.#idleMs === Number.POSITIVE_INFINITY) return;
    const horizon = now - this.#idleMs;
    const last = this.#newest;
    for (let entry = this.#oldest; entry !== undefined && entry.lastUsed <= horizon; ) {
      const newer = entry.newer;
      // A key with a waiter stays: it moves to the newest end and is looked at again later.
      if (entry.busy > 0) this.#toNewest(entry);
      else this.#evict(entry);
      if (entry === last) break;
      entry = newer;
    }
  }

  #evictOldest(keep: Entry<L, K>): void {
    for (let entry = this.#oldest; entry !== undefined && this.#entries.size > this.#maxKeys; entry = entry.newer) {
      if (entry !== keep && entry.busy === 0) this.#evict(entry);
    }
  }

  #evict(entry: Entry<L, K>): void {
    this.#unlink(entry);
    this.#entries.delete(entry.key);
    this.#evicted++;
  }

  #toNewest(entry: Entry<L, K>): void {
    if (this.#newest === entry) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  #link(entry: Entry<L, K>): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry<L, K>): void {
    if (entry.older === undefined) this.#oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) this.#newest = entry.older;
    else entry.newer.older = entry.older;
  }
}

/**
 * One limiter per key (per host, per API token), created on first use by `create(key)`, with
 * bounded memory: at most `maxKeys` keys (least recently used evicted first) and keys idle for
 * `idleMs` dropped. Eviction is computed when the keyed limiter is used: no background timers.
 * A key with an `acquire` in flight is never evicted (a waiter keeps its limiter).
 *
 * @example
 * const perHost = keyed({ create: () => tokenBucket({ capacity: 10, refillPerSecond: 5 }), idleMs: 60_000 });
 * await perHost.acquire(new URL(url).host);
 *
 * @throws ConfigError for a bad option.
 */
export function keyed<L extends Limiter, K = string>(options: KeyedOptions<L, K>): Keyed<L, K> {
  return new KeyedLimiters(options);
}
