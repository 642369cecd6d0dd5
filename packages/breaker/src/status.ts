import type { CircuitBreakerStatus } from './api.ts';
import { type Circuit, CLOSED, HALF_OPEN, ISOLATED, NAMES, OPEN } from './circuit.ts';
import type { CircuitState } from './events.ts';
import type { CircuitBreakerSnapshot } from './snapshot.ts';

/*
 * The two readings of a circuit: `status()` for people and dashboards, `toJSON()` for a restart.
 * Both are plain JSON and survive `JSON.parse(JSON.stringify(x))` unchanged: a field with nothing
 * to say is `null`, never `undefined` (which JSON drops).
 */

/** What `status()` returns, after the circuit has been refreshed at `now`. */
export function statusOf(circuit: Circuit, now: number): CircuitBreakerStatus {
  const m = circuit.window.metrics(now);
  const phase = circuit.phase;
  const retryAfterMs =
    phase === CLOSED || (phase === HALF_OPEN && circuit.hasProbeSlot()) ? 0 : circuit.retryAfter(now);
  return {
    state: NAMES[phase] as CircuitState,
    failureRate: m.failureRate,
    slowCallRate: m.slowCallRate,
    calls: m.calls,
    failures: m.failures,
    slowCalls: m.slowCalls,
    openedAt: phase === OPEN || phase === HALF_OPEN ? circuit.openedAt : null,
    retryAfterMs: retryAfterMs ?? null,
    probesInFlight: circuit.probes?.length ?? 0,
    isolations: circuit.isolations,
    attempt: circuit.attempt,
  };
}

/** What `toJSON()` returns, after the circuit has been refreshed at `now`. */
export function snapshotOf(circuit: Circuit, now: number): CircuitBreakerSnapshot {
  const phase = circuit.phase;
  if (phase === ISOLATED) {
    const empty = circuit.config.trigger.create().snapshot(now);
    return { version: 1, state: 'closed', openForMs: 0, attempt: 0, lastOpenMs: 0, probeSuccesses: 0, window: empty };
  }
  return {
    version: 1,
    state: phase === OPEN ? 'open' : phase === HALF_OPEN ? 'half-open' : 'closed',
    openForMs: phase === OPEN ? circuit.openUntil - now : 0,
    attempt: circuit.attempt,
    lastOpenMs: circuit.lastDelay,
    probeSuccesses: phase === HALF_OPEN ? circuit.probeSuccesses : 0,
    window: circuit.window.snapshot(now),
  };
}
