import { describe, expect, it, vi } from 'vitest';
import { expectRefusesAbortedSignal } from '../test/aborted-signal.ts';
import { NOT_POLICIES, naive, POLICIES } from '../test/policies.ts';
import * as core from './index.ts';
import { ManualClock } from './testing/index.ts';

/*
 * Conformance (issue 15 §2): every policy this package exports, called with a signal that is
 * ALREADY aborted, rejects with exactly `signal.reason`, never calls the work, leaves no timer on
 * the clock and no listener on the signal — as `fetch` does.
 */

describe('every policy refuses an already aborted signal (conformance)', () => {
  it('the table lists every export of the index, as a policy or not', () => {
    expect([...Object.keys(POLICIES), ...NOT_POLICIES].sort()).toEqual(Object.keys(core).sort());
  });

  const cases = Object.values(POLICIES).flat();
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, { make }) => {
    const clock = new ManualClock();
    await expectRefusesAbortedSignal(make(clock), clock);
  });

  it('regression (issue 15): an empty compose() ran the work despite the aborted signal', async () => {
    const controller = new AbortController();
    controller.abort('gone');
    const fn = vi.fn(() => 1);
    await expect(core.compose().execute(fn, { signal: controller.signal })).rejects.toBe('gone');
    await expect(core.compose(naive).execute(fn, { signal: controller.signal })).rejects.toBe('gone');
    expect(fn).not.toHaveBeenCalled();
  });
});
