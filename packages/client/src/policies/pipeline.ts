import {
  ConfigError,
  type ExecuteOptions,
  type ExecutionContext,
  type Operation,
  type Policy,
  runOperation,
} from '@sentinel/core';
import type { BreakerSource } from '../client/options.ts';

/**
 * Resolves the breaker for an origin from whatever the user gave: one shared policy, a group
 * (`get(origin)` or `for(origin)`, e.g. `breakerGroup`), or a factory whose breakers the client
 * keeps in a bounded map (oldest dropped first), so a client talking to many hosts cannot grow
 * without bound.
 */
export class BreakerResolver {
  readonly #source: BreakerSource;
  readonly #max: number;
  readonly #cache = new Map<string, Policy>();

  constructor(source: BreakerSource, max: number) {
    this.#source = source;
    this.#max = max;
  }

  /**
   * The breakers in use, by origin: those a factory made, or those a group answered with
   * (remembered per origin, bounded like the factory's; a group that evicted one answers anew).
   */
  get created(): ReadonlyMap<string, Policy> {
    return this.#cache;
  }

  /** The shared policy, when the source is one. */
  get shared(): Policy | undefined {
    return typeof this.#source === 'object' && 'execute' in this.#source ? this.#source : undefined;
  }

  for(origin: string): Policy {
    const source = this.#source as Partial<Policy> & { get?: unknown; for?: unknown };
    if (typeof source === 'function') {
      let policy = this.#cache.get(origin);
      if (policy === undefined) {
        policy = (source as (origin: string) => Policy)(origin);
        if (typeof policy?.execute !== 'function') {
          throw new ConfigError({
            owner: 'createClient',
            option: 'breaker',
            value: policy,
            expected: 'a factory returning a policy',
          });
        }
        if (this.#cache.size >= this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
        this.#cache.set(origin, policy);
      }
      return policy;
    }
    if (typeof source.execute === 'function') return source as Policy;
    const policy =
      typeof source.get === 'function'
        ? (source as { get(origin: string): Policy }).get(origin)
        : (source as { for(origin: string): Policy }).for(origin);
    if (typeof policy?.execute !== 'function') {
      throw new ConfigError({
        owner: 'createClient',
        option: 'breaker',
        value: policy,
        expected: 'a group returning a policy',
      });
    }
    // Remembered for status(); the group stays the owner (it may evict and recreate).
    if (this.#cache.get(origin) !== policy) {
      this.#cache.delete(origin);
      if (this.#cache.size >= this.#max) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(origin, policy);
    }
    return policy;
  }
}

/** Whether `value` can serve as the `breaker` option. */
export function isBreakerSource(value: unknown): value is BreakerSource {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.execute === 'function' || typeof v.get === 'function' || typeof v.for === 'function';
}

/** Runs `fn` through `policies`, first outermost, handing each layer's context to the next (as core's compose). */
export function runThrough<T>(policies: readonly Policy[], fn: Operation<T>, options: ExecuteOptions): Promise<T> {
  const last = policies.length - 1;
  if (last < 0) return runOperation(fn, options as ExecutionContext);
  const layer =
    (index: number): Operation<T> =>
    (context: ExecutionContext) =>
      index > last ? fn(context) : (policies[index] as Policy).execute(layer(index + 1), context);
  return (policies[0] as Policy).execute(layer(1), options);
}
