// The conformance check of issue 15 §2, one definition for every policy package's
// aborted-signal test: a policy handed a signal that is ALREADY aborted rejects with exactly
// `signal.reason` (as `fetch` does), never calls the work, counts nothing (its status is
// unchanged), and leaves no timer on the clock and no listener on the signal.
import { getEventListeners } from 'node:events';
import { expect, vi } from 'vitest';
import { contextFor, type Policy } from '../src/index.ts';
import type { ManualClock } from '../src/testing/index.ts';

/** A signal already aborted with a reason of its own. */
export function abortedSignal(): { readonly signal: AbortSignal; readonly reason: Error } {
  const controller = new AbortController();
  const reason = new Error('the caller gave up');
  controller.abort(reason);
  return { signal: controller.signal, reason };
}

/** A policy and, when it has one, its (possibly asynchronous) status. */
export type PolicyWithStatus = Policy & { status?: () => unknown };

/**
 * Runs `policy` built on `clock` with an aborted signal, passed both as plain options and as a
 * context from an enclosing policy, and asserts the contract above.
 */
export async function expectRefusesAbortedSignal(policy: PolicyWithStatus, clock: ManualClock): Promise<void> {
  const before = await policy.status?.();
  const { signal, reason } = abortedSignal();
  const fn = vi.fn(() => 'ran');
  await expect(policy.execute(fn, { signal })).rejects.toBe(reason);
  await expect(policy.execute(fn, contextFor({ signal }))).rejects.toBe(reason);
  expect(fn).not.toHaveBeenCalled();
  expect(clock.pending).toBe(0);
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  expect(await policy.status?.()).toEqual(before);
}
