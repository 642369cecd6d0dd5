import type { BreakerInterval, BreakerTrack } from './document.ts';

/** A breaker's change of state at `t` (s since the phase began), as `onStateChange` reports it. */
export interface BreakerTransition {
  readonly t: number;
  readonly to: BreakerInterval['state'];
}

/**
 * Turns a breaker's state changes into the intervals the report draws: closed from 0 until the
 * first change, then each state until the next, the last until `endT`. Transitions may come in
 * any order; ones at or after `endT` are cut there.
 */
export function breakerTrack(name: string, transitions: readonly BreakerTransition[], endT: number): BreakerTrack {
  const sorted = [...transitions].sort((a, b) => a.t - b.t);
  const intervals: BreakerInterval[] = [];
  let state: BreakerInterval['state'] = 'closed';
  let from = 0;
  for (const { t, to } of sorted) {
    const at = Math.min(Math.max(t, from), endT);
    if (at > from) intervals.push({ from, to: at, state });
    state = to;
    from = at;
  }
  if (endT > from) intervals.push({ from, to: endT, state });
  return { name, intervals };
}
