import type { Clock } from '../clock/clock.ts';
import { MAX_DELAY_MS } from '../clock/clock.ts';
import { systemClock } from '../clock/system-clock.ts';
import { AttemptScope } from '../context/context.ts';
import { TimeoutError } from '../errors/errors.ts';
import { optionChecker } from '../options/option-checker.ts';
import { type Decision, reportDecision } from '../policy/decision.ts';
import type { ExecuteOptions, Operation, Policy } from '../policy/policy.ts';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The deadline for each call, in milliseconds: a number > 0 and at most 2^31 − 1. */
  readonly ms: number;
  /**
   * Where time is read and waited on.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** What a timeout reports to a call's `onDecision`: the call ran out of time. */
export interface TimeoutDecision extends Decision {
  readonly layer: 'timeout';
  readonly decision: 'expired';
  /** The deadline that passed, in milliseconds. */
  readonly ms: number;
}

/** A policy that gives each call a deadline. */
export interface TimeoutPolicy extends Policy {
  /** The deadline, in milliseconds. */
  readonly ms: number;
}

const check = optionChecker('timeout');
const noop = () => {};

/**
 * Arms a deadline: through the clock's `timer` fast path when it has one (no AbortController, no
 * abort event to dispatch: a large share of a timeout's cost otherwise), else a cancellable sleep.
 */
function armTimer(clock: Clock, ms: number, onDeadline: () => void): () => void {
  if (typeof clock.timer === 'function') return clock.timer(ms, onDeadline);
  const cancel = new AbortController();
  // The sleep rejects when cancelled, once the call settled first: nothing to do then.
  clock.sleep(ms, cancel.signal).then(onDeadline, noop);
  return () => cancel.abort();
}

/**
 * Gives each call `ms` milliseconds. At the deadline the call's signal aborts with a
 * {@link TimeoutError} as its reason and `execute` rejects with that error at once, even when the
 * work ignores its signal (its result, if it ever comes, is dropped). The timer is cleared as soon
 * as the call settles, and an abort of the caller's signal rejects at once with its reason.
 *
 * Placed inside a retry, it bounds each attempt; outside, the whole call.
 *
 * @throws ConfigError when `ms` is not a number in (0, 2^31 − 1].
 */
export function timeout(options: TimeoutOptions): TimeoutPolicy {
  const opts = check.options(options, ['ms', 'clock']);
  const ms = check.number('ms', opts.ms, { greaterThan: 0, max: MAX_DELAY_MS });
  const clock = opts.clock ?? systemClock;
  return Object.freeze({
    ms,
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      const parent = executeOptions?.signal;
      if (parent?.aborted) return Promise.reject(parent.reason);
      const scope = new AttemptScope(executeOptions);
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        let cancelTimer: () => void = noop;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          cancelTimer();
          scope.dispose();
          parent?.removeEventListener('abort', onParentAbort);
          return true;
        };
        const onParentAbort = () => {
          scope.abort(parent?.reason);
          if (settle()) reject(parent?.reason);
        };
        const onDeadline = () => {
          if (settled) return;
          const error = new TimeoutError(ms);
          const onDecision = executeOptions?.onDecision;
          if (onDecision !== undefined) {
            reportDecision<TimeoutDecision>(onDecision, { layer: 'timeout', decision: 'expired', ms });
          }
          scope.abort(error);
          settle();
          reject(error);
        };
        parent?.addEventListener('abort', onParentAbort, { once: true });
        cancelTimer = armTimer(clock, ms, onDeadline);
        let result: T | PromiseLike<T>;
        try {
          result = fn(scope);
        } catch (error) {
          if (settle()) reject(error);
          return;
        }
        Promise.resolve(result).then(
          (value) => {
            if (settle()) resolve(value);
          },
          (error: unknown) => {
            if (settle()) reject(error);
          },
        );
      });
    },
  });
}
