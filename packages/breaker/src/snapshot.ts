import { MAX_DELAY_MS, type OptionChecker, optionChecker } from '@sentinel/core';
import type { Trigger, TriggerSnapshot } from './triggers/trigger.ts';

/**
 * What `toJSON()` returns and `initialState` accepts: plain JSON, with times relative to the
 * moment it was taken (clocks differ between processes), so it survives a restart.
 *
 * An isolated breaker is saved as what releasing its isolation gives (closed, empty window):
 * isolation is held by code, and a restored breaker has no holder that could release it.
 * Probes in flight are not saved; a half-open breaker restores half-open with no probe running.
 */
export interface CircuitBreakerSnapshot {
  readonly version: 1;
  readonly state: 'closed' | 'open' | 'half-open';
  /** Time left in the open period, in milliseconds (0 unless open). */
  readonly openForMs: number;
  /** Opens in a row without a close (0 when closed): the next backoff attempt follows it. */
  readonly attempt: number;
  /** Length of the last open period (the backoff's `previousDelayMs`). */
  readonly lastOpenMs: number;
  /** Successful probes so far (half-open only). */
  readonly probeSuccesses: number;
  /** The trigger's counters; `kind` must match the breaker's trigger. */
  readonly window: TriggerSnapshot;
}

const STATES = ['closed', 'open', 'half-open'] as const;
// Its own checker (same owner as the options'), so this file does not import options.ts, which imports it.
const check: OptionChecker = optionChecker('circuitBreaker');

/** Checks a snapshot against the breaker's trigger; every problem is a ConfigError naming the field. */
export function parseSnapshot(value: unknown, trigger: Trigger, halfOpenSuccesses: number): CircuitBreakerSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    check.fail('initialState', value, 'a snapshot from toJSON()');
  }
  const s = value as Partial<Record<keyof CircuitBreakerSnapshot, unknown>>;
  if (s.version !== 1) check.fail('initialState.version', s.version, '1');
  const state = check.oneOf('initialState.state', s.state, STATES);
  const openForMs = check.duration('initialState.openForMs', s.openForMs, { max: MAX_DELAY_MS });
  const attempt = check.integer('initialState.attempt', s.attempt, {
    min: state === 'closed' ? 0 : 1,
    max: Number.MAX_SAFE_INTEGER,
  });
  if (state === 'closed' && attempt !== 0) check.fail('initialState.attempt', attempt, '0 when the state is closed');
  const lastOpenMs = check.duration('initialState.lastOpenMs', s.lastOpenMs, { max: MAX_DELAY_MS });
  const probeSuccesses = check.integer('initialState.probeSuccesses', s.probeSuccesses, {
    min: 0,
    max: state === 'half-open' ? halfOpenSuccesses - 1 : 0,
  });
  const window = s.window as { kind?: unknown } | undefined;
  if (typeof window !== 'object' || window === null) check.fail('initialState.window', window, 'an object');
  if (window.kind !== trigger.kind) {
    check.fail('initialState.window.kind', window.kind, `${JSON.stringify(trigger.kind)} (the breaker's trigger)`);
  }
  // + 0: a -0 read from a hand-made snapshot is kept as 0, what toJSON() would have written.
  return {
    version: 1,
    state,
    openForMs: openForMs + 0,
    attempt,
    lastOpenMs: lastOpenMs + 0,
    probeSuccesses,
    window: window as TriggerSnapshot,
  };
}
