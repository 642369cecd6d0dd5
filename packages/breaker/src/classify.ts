import { type ExecuteOptions, failure, type Outcome, reportListenerError, success } from '@sentinel/core';
import type { BreakerConfig } from './options.ts';

export const SUCCESS = 0;
export const FAILURE = 1;
export const IGNORED = 2;
/** How a call counts: success, failure, or not at all. */
export type Kind = typeof SUCCESS | typeof FAILURE | typeof IGNORED;

/**
 * Judges one outcome. A failure of a call whose caller's signal was aborted is always ignored
 * (the caller gave up; the dependency may be healthy). Otherwise `isIgnored` then `isFailure`;
 * with the default predicates no outcome object is built.
 */
export function classify(
  config: BreakerConfig,
  ok: boolean,
  payload: unknown,
  options: ExecuteOptions | undefined,
): Kind {
  if (!ok && options !== undefined && wasAborted(options)) return IGNORED;
  if (config.defaultPredicates) return ok ? SUCCESS : FAILURE;
  const outcome = outcomeOf(ok, payload);
  try {
    if (config.isIgnored(outcome)) return IGNORED;
    return config.isFailure(outcome) ? FAILURE : SUCCESS;
  } catch (error) {
    // A throwing predicate is a bug to surface, not a reason to corrupt the breaker.
    reportListenerError(error);
    return FAILURE;
  }
}

export function outcomeOf(ok: boolean, payload: unknown): Outcome<unknown> {
  return ok ? success(payload) : failure(payload);
}

/**
 * Whether the caller aborted. Called on failures only, so the success path never reads a signal
 * (the first read of a lazily built signal costs ~3 µs).
 */
function wasAborted(options: ExecuteOptions): boolean {
  // An AttemptScope (a retry or timeout outside us) answers without building its signal.
  const own = (options as { aborted?: unknown }).aborted;
  if (typeof own === 'boolean') return own;
  return options.signal?.aborted === true;
}
