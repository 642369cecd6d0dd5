import type { Clock } from '@sentinel/core';
import type { Check } from './phases/phase.ts';

/** Open sockets (less those someone else holds on purpose) and pending timers in this process. */
export interface Resources {
  readonly sockets: number;
  readonly timers: number;
}

/** Counts TCP sockets and timers now; `foreign()` sockets (a dashboard's) are not counted. */
export function resourcesNow(foreign: () => number): Resources {
  let sockets = 0;
  let timers = 0;
  for (const resource of process.getActiveResourcesInfo()) {
    if (resource === 'TCPSocketWrap' || resource === 'TCPServerWrap') sockets++;
    else if (resource === 'Timeout') timers++;
  }
  return { sockets: sockets - foreign(), timers };
}

const SETTLE_STEPS = 40;
const SETTLE_STEP_MS = 50;

/**
 * No socket or timer left: waits (at most 2 s) for sockets closed by the phases to finish
 * closing, then compares with `before`, taken before the first phase started.
 */
export async function leakCheck(before: Resources, foreign: () => number, clock: Clock): Promise<Check> {
  let now = resourcesNow(foreign);
  for (let step = 0; step < SETTLE_STEPS && (now.sockets > before.sockets || now.timers > before.timers); step++) {
    await clock.sleep(SETTLE_STEP_MS);
    now = resourcesNow(foreign);
  }
  const ok = now.sockets <= before.sockets && now.timers <= before.timers;
  return {
    name: 'no socket or timer left',
    ok,
    checked: true,
    detail:
      `sockets ${before.sockets} before, ${now.sockets} after; timers ${before.timers} before, ${now.timers} after` +
      (ok ? '' : ' (after waiting 2 s for them to close)'),
  };
}
