import { getEventListeners } from 'node:events';
import { contextFor } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { NOT_POLICIES, POLICIES } from '../test/policies.ts';
import * as backoff from './index.ts';

/*
 * Conformance (issue 15 §2): every policy this package exports, called with a signal that is
 * ALREADY aborted, rejects with exactly `signal.reason`, never calls the work, counts nothing,
 * leaves no timer on the clock and no listener on the signal — as `fetch` and p-retry do.
 */
describe('every policy refuses an already aborted signal (conformance)', () => {
  it('the table lists every export of the index, as a policy or not', () => {
    expect([...Object.keys(POLICIES), ...NOT_POLICIES].sort()).toEqual(Object.keys(backoff).sort());
  });

  const cases = Object.values(POLICIES).flat();
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, { make }) => {
    const clock = new ManualClock();
    const policy = make(clock);
    const before = policy.status?.();
    const controller = new AbortController();
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    const fn = vi.fn(() => 'ran');
    // Passed as plain options and as a context from an enclosing policy.
    await expect(policy.execute(fn, { signal: controller.signal })).rejects.toBe(reason);
    await expect(policy.execute(fn, contextFor({ signal: controller.signal }))).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(clock.pending).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(policy.status?.()).toEqual(before);
  });
});
