import type { MeterProvider } from '@opentelemetry/api';
import { type Disposer, optionChecker } from '@sentinel/core';
import { meterOf } from '../internal/providers.ts';
import {
  instrumentBreaker,
  instrumentPool,
  instrumentRateLimit,
  instrumentRetry,
  isBreaker,
  isPool,
  isRateLimit,
  isRetry,
  type Target,
} from './kinds.ts';

/** Options of {@link instrumentPolicy}. */
export interface InstrumentPolicyOptions {
  /**
   * The `sentinel.policy.name` attribute of every point: which breaker, which limiter. Keep it
   * to a bounded set (a service name, an origin you call), never a per-request value.
   */
  readonly name: string;
  /**
   * Where the metrics go.
   * @default the global provider (`metrics.getMeterProvider()` at the time of the call)
   */
  readonly meterProvider?: MeterProvider | undefined;
}

const check = optionChecker('instrumentPolicy');
const MAX_NAME = 128;

/**
 * Records a policy's metrics from its events and `status()`: a circuit breaker (state gauge,
 * transitions, rejections), a retry (attempts, give-ups by reason), a rate-limit policy (wait
 * durations, rejections by reason) or a worker pool (queue size, tasks by outcome). Observable
 * instruments read `status()` / `stats()` only when the SDK collects. The policy's events also
 * become events on the span active when they happen (the caller's span), so a policy used
 * outside the client is visible in traces too. Returns a disposer that removes every listener
 * and callback.
 *
 * @throws ConfigError when `policy` is none of those kinds, or for a bad option.
 */
export function instrumentPolicy(policy: object, options: InstrumentPolicyOptions): Disposer {
  const opts = check.options(options, ['name', 'meterProvider']);
  const name = opts.name;
  if (typeof name !== 'string' || name === '' || name.length > MAX_NAME) {
    check.fail('name', name, `a non-empty string of at most ${MAX_NAME} characters`);
  }
  if (typeof policy !== 'object' || policy === null) {
    check.fail('policy', policy, 'a circuit breaker, a retry, a rate-limit policy or a worker pool');
  }
  const target: Target = {
    meter: meterOf(check, opts.meterProvider),
    attributes: { 'sentinel.policy.name': name },
    cleanup: [],
  };
  if (isBreaker(policy)) instrumentBreaker(policy, target);
  else if (isRetry(policy)) instrumentRetry(policy, target);
  else if (isRateLimit(policy)) instrumentRateLimit(policy, target);
  else if (isPool(policy)) instrumentPool(policy, target);
  else {
    check.fail(
      'policy',
      policy,
      'a circuit breaker (onStateChange, onReject, state), a retry (onRetry, onGiveUp, status), a rate-limit policy (onWait, onRejected) or a worker pool (stats, onTaskEnd)',
    );
  }
  let active = true;
  const dispose = () => {
    if (!active) return;
    active = false;
    for (const undo of target.cleanup.splice(0)) undo();
  };
  return { dispose, [Symbol.dispose]: dispose };
}
