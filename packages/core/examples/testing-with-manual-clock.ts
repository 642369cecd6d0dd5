import { timeout } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';

// Drive a deadline by hand: no real waiting, the same result every run.
export async function deadlineWithManualClock(): Promise<string> {
  const clock = new ManualClock();
  const policy = timeout({ ms: 1_000, clock });

  const call = policy.execute(async (ctx) => {
    await clock.sleep(5_000, ctx.signal); // slow work that honours its signal
    return 'finished';
  });
  const settled = call.catch((error: Error) => error.name);

  await clock.advance(1_000); // the deadline passes
  return settled; // 'TimeoutError'
}
