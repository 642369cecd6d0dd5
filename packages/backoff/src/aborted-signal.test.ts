import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { expectRefusesAbortedSignal } from '../../core/test/aborted-signal.ts';
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
    await expectRefusesAbortedSignal(make(clock), clock);
  });
});
