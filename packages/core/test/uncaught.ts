// One definition for the tests that check what a policy reports as an uncaught exception (a
// listener or callback that throws must surface, not vanish, and not break the call): the test
// runner's own listeners step aside while `body` runs, and are put back after.
import { flushMicrotasks } from '../src/testing/index.ts';

/** Runs `body` and returns what surfaced as uncaught exceptions meanwhile, in order. */
export async function uncaught(body: () => Promise<unknown>): Promise<unknown[]> {
  const runner = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const seen: unknown[] = [];
  const record = (error: unknown) => seen.push(error);
  process.on('uncaughtException', record);
  try {
    await body();
    await flushMicrotasks();
  } finally {
    process.off('uncaughtException', record);
    for (const listener of runner) process.on('uncaughtException', listener);
  }
  return seen;
}
