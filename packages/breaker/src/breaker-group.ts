import { type Clock, type Disposer, Emitter, type Listener, optionChecker, systemClock } from '@sentinel/core';
import type { CircuitBreaker } from './api.ts';

/** Payload of a group's `onCreate`. */
export interface BreakerCreatedEvent<K> {
  readonly key: K;
  readonly breaker: CircuitBreaker;
}

/** Options of {@link breakerGroup}. */
export interface BreakerGroupOptions<K> {
  /** Makes the breaker for a key the first time it is used (or again after it was evicted). */
  readonly create: (key: K) => CircuitBreaker;
  /**
   * Most breakers kept; using one more evicts the least recently used: an integer >= 1.
   * @default 1_000
   */
  readonly maxKeys?: number | undefined;
  /**
   * A breaker unused for this long is evicted (checked lazily, when the group is used): a number
   * > 0, or `Infinity` to keep breakers until `maxKeys` pushes them out.
   * @default 600_000 (10 minutes)
   */
  readonly idleMs?: number | undefined;
  /** Reads the time for idle eviction. @default systemClock */
  readonly clock?: Clock | undefined;
}

/** One breaker per key (per origin, per route), with bounded memory. */
export interface BreakerGroup<K> {
  /** The key's breaker, created on first use; marks it as recently used. */
  get(key: K): CircuitBreaker;
  /** The key's breaker when it exists, without creating it or marking it used. */
  peek(key: K): CircuitBreaker | undefined;
  /** Forgets the key's breaker; returns whether there was one. */
  delete(key: K): boolean;
  /** Forgets every breaker. */
  clear(): void;
  /** Breakers held right now (after evicting idle ones). */
  readonly size: number;
  /** Keys held, least recently used first (after evicting idle ones). */
  keys(): K[];
  /**
   * The group made a breaker for a key (first use, or again after eviction). Listeners run
   * before `get` returns it, so one may `trip` it: a breaker for a key known to be failing
   * elsewhere then starts open (`syncBreakers` in `@sentinel/breaker/redis` does this).
   */
  onCreate(listener: Listener<BreakerCreatedEvent<K>>): Disposer;
}

const check = optionChecker('breakerGroup');

interface Entry {
  readonly breaker: CircuitBreaker;
  lastUsed: number;
}

/**
 * Keeps one breaker per key, so one failing origin does not open the circuit for the others.
 * Memory is bounded twice: at most `maxKeys` breakers (least recently used evicted first), and a
 * breaker idle for `idleMs` is dropped. Eviction happens when the group is used; there is no
 * timer. An evicted breaker forgets its state: an origin that comes back after `idleMs` starts
 * closed, which is why `idleMs` should exceed your open periods.
 *
 * @throws ConfigError when `create` is not a function, `maxKeys` < 1 or `idleMs` <= 0.
 */
export function breakerGroup<K = string>(options: BreakerGroupOptions<K>): BreakerGroup<K> {
  const opts = check.options(options, ['create', 'maxKeys', 'idleMs', 'clock']);
  const create = check.function<(key: K) => CircuitBreaker>('create', opts.create);
  const maxKeys = check.integer('maxKeys', opts.maxKeys, { min: 1 }, 1_000);
  const idleMs = check.number('idleMs', opts.idleMs, { greaterThan: 0, allowInfinity: true }, 600_000);
  const clock = opts.clock ?? systemClock;
  // Map iteration order is insertion order: re-inserting on use keeps the least recently used first.
  const entries = new Map<K, Entry>();
  const created = new Emitter<BreakerCreatedEvent<K>>();

  const evictIdle = (now: number): void => {
    for (const [key, entry] of entries) {
      if (now - entry.lastUsed < idleMs) return;
      entries.delete(key);
    }
  };

  return {
    get(key) {
      const now = clock.now();
      const entry = entries.get(key);
      if (entry !== undefined && now - entry.lastUsed < idleMs) {
        entries.delete(key);
        entries.set(key, entry);
        entry.lastUsed = now;
        evictIdle(now);
        return entry.breaker;
      }
      evictIdle(now);
      entries.delete(key);
      const breaker = create(key);
      if (typeof (breaker as Partial<CircuitBreaker> | null)?.execute !== 'function') {
        check.fail('create', breaker, 'a function returning a circuit breaker');
      }
      if (entries.size >= maxKeys) entries.delete(entries.keys().next().value as K);
      entries.set(key, { breaker, lastUsed: now });
      if (created.hasListeners) created.emit({ key, breaker });
      return breaker;
    },
    peek(key) {
      const entry = entries.get(key);
      return entry !== undefined && clock.now() - entry.lastUsed < idleMs ? entry.breaker : undefined;
    },
    delete: (key) => entries.delete(key),
    clear: () => entries.clear(),
    get size() {
      evictIdle(clock.now());
      return entries.size;
    },
    keys() {
      evictIdle(clock.now());
      return [...entries.keys()];
    },
    onCreate: created.subscribe,
  };
}
