import {
  contextFor,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  type Listener,
  type Operation,
  type Policy,
  runOperation,
} from '@sentinel/core';
import type { Latency } from '../server/faults.ts';
import type { ChaosInjectEvent } from './events.ts';
import { type ChaosOptions, resolveChaosOptions } from './options.ts';

/** The in-process chaos policy. */
export interface ChaosPolicy extends Policy {
  /** Called for every injection (latency, error or outcome). */
  onInject(listener: Listener<ChaosInjectEvent>): Disposer;
}

function sample(latency: Latency, random: () => number): number {
  if (typeof latency === 'number') return latency;
  if ('mean' in latency) return -latency.mean * Math.log(1 - random());
  return latency.min + (latency.max - latency.min) * random();
}

/**
 * In-process fault injection, in the spirit of Polly's chaos strategies: each call waits
 * `latencyMs`, then, with probability `faultRate`, gets `error` thrown (default a `ChaosError`)
 * or `outcome` returned instead of running. Put it innermost (next to the work) to test how the
 * outer policies cope; under a `seed` every run injects the same faults in the same order.
 *
 * @throws ConfigError for an invalid option.
 */
export function chaos(options?: ChaosOptions): ChaosPolicy {
  const { faultRate, latency, fault, random, clock, enabled } = resolveChaosOptions(options);
  const injected = new Emitter<ChaosInjectEvent>();
  const hasLatency = typeof latency !== 'number' || latency > 0;

  const inject = <T>(fn: Operation<T>, executeOptions: ExecuteOptions | undefined): Promise<T> => {
    const context = contextFor(executeOptions);
    if (faultRate > 0 && random() < faultRate) {
      if (injected.hasListeners) injected.emit({ kind: fault.kind, attempt: context.attempt });
      try {
        const value = fault.make(context);
        return fault.kind === 'error' ? Promise.reject(value) : Promise.resolve(value as T);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return runOperation(fn, context);
  };

  return Object.freeze({
    onInject: injected.subscribe,
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      if (!enabled) return runOperation(fn, contextFor(executeOptions));
      if (!hasLatency) return inject(fn, executeOptions);
      const ms = sample(latency, random);
      if (injected.hasListeners) {
        injected.emit({ kind: 'latency', attempt: executeOptions?.attempt ?? 1, latencyMs: ms });
      }
      return clock.sleep(ms, executeOptions?.signal).then(() => inject(fn, executeOptions));
    },
  });
}
