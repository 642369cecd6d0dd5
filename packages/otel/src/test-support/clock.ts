import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ManualClock } from '@sentinel/core/testing';

/** Waits (in event-loop turns, bounded) until real I/O has let a sleeper register on `clock`. */
export async function untilPending(clock: ManualClock, turns = 500): Promise<void> {
  for (let i = 0; i < turns && clock.pending === 0; i++) await nextTurn();
  if (clock.pending === 0) throw new Error(`no sleeper registered within ${turns} turns`);
}

/** Advances `clock` to each next sleeper's due time, `steps` times, as real I/O lets them appear. */
export async function advanceThrough(clock: ManualClock, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await untilPending(clock);
    await clock.advance((clock.nextDue as number) - clock.now());
  }
}
