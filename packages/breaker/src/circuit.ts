import type { Outcome } from '@sentinel/core';
import type { RejectingState } from './errors.ts';
import { EventSource } from './event-source.ts';
import type { CircuitState, CloseReason, OpenReason } from './events.ts';
import { type BreakerConfig, openPeriod } from './options.ts';
import type { BreakerPermit } from './permit.ts';
import { type CircuitBreakerSnapshot, parseSnapshot } from './snapshot.ts';
import type { TriggerWindow } from './triggers/trigger.ts';

export const CLOSED = 0;
export const OPEN = 1;
export const HALF_OPEN = 2;
export const ISOLATED = 3;
export type Phase = typeof CLOSED | typeof OPEN | typeof HALF_OPEN | typeof ISOLATED;
export const NAMES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];

/**
 * The breaker's state machine: closed → open → half-open → closed (or open again), plus the
 * forced `isolated` state. It owns the open period, its backoff, and the probe slots; it knows
 * nothing about running calls (that is `circuit-breaker.ts`). Fields are plain (not `#private`)
 * so the call path and the status readers share them without accessor calls; the class is
 * internal, users only see the `CircuitBreaker` interface. Transitions are named `enter*`, not
 * `open()` / `close()`: a JS caller used to opossum's `breaker.open()` gets a TypeError rather
 * than a silent transition.
 */
export class Circuit extends EventSource {
  readonly config: BreakerConfig;
  readonly window: TriggerWindow;
  phase: Phase = CLOSED;
  /** Bumped on every transition and reset: outcomes of calls started before are stale. */
  generation = 0;
  isolations = 0;
  openedAt = 0;
  openUntil = 0;
  /** Opens in a row without a close (the backoff's attempt), and the last open period. */
  attempt = 0;
  lastDelay = 0;
  /** Probes in flight, oldest first (half-open only). */
  probes: BreakerPermit[] | undefined;
  probeSuccesses = 0;

  constructor(config: BreakerConfig) {
    super();
    this.config = config;
    this.window = config.trigger.create();
  }

  /** Applies what time alone changes: an elapsed open period, a probe that never settled. */
  refresh(now: number): void {
    if (this.phase === HALF_OPEN) {
      const oldest = this.probes?.[0];
      if (oldest !== undefined && now - oldest.start >= this.config.halfOpenProbeTimeoutMs) {
        this.enterOpen('probe-timeout', undefined, now);
      }
    }
    if (this.phase === OPEN && now >= this.openUntil) {
      this.probes = [];
      this.probeSuccesses = 0;
      this.transition(HALF_OPEN, now);
      const emitter = this.events?.halfOpen;
      if (emitter?.hasListeners) emitter.emit({ openedForMs: now - this.openedAt });
    }
  }

  hasProbeSlot(): boolean {
    return (this.probes?.length ?? 0) < this.config.halfOpenMaxCalls;
  }

  /** The state a refused call is told about; emits `onReject`. */
  rejected(now: number): RejectingState {
    const state = this.phase === ISOLATED ? 'isolated' : this.phase === OPEN ? 'open' : 'half-open';
    const emitter = this.events?.reject;
    if (emitter?.hasListeners) emitter.emit({ state, retryAfterMs: this.retryAfter(now) });
    return state;
  }

  retryAfter(now: number): number | undefined {
    if (this.phase === OPEN) return Math.max(0, this.openUntil - now);
    if (this.phase === HALF_OPEN) return this.lastDelay;
    return undefined;
  }

  /** Opens for `fixedMs`, or for the next period of `halfOpenAfter`. */
  enterOpen(
    reason: OpenReason,
    outcome: Outcome<unknown> | undefined,
    at?: number,
    fixedMs?: number,
    detail?: string,
  ): void {
    const now = at ?? this.config.clock.now();
    const attempt = ++this.attempt;
    const openForMs = fixedMs ?? openPeriod(this.config, attempt, this.lastDelay);
    this.lastDelay = openForMs;
    this.openedAt = now;
    this.openUntil = now + openForMs;
    this.probes = undefined;
    this.probeSuccesses = 0;
    this.transition(OPEN, now);
    const emitter = this.events?.open;
    if (emitter?.hasListeners) emitter.emit({ reason, openForMs, attempt, outcome, detail });
  }

  enterClosed(reason: CloseReason, now: number): void {
    this.window.reset();
    this.attempt = 0;
    this.lastDelay = 0;
    this.probes = undefined;
    this.probeSuccesses = 0;
    this.transition(CLOSED, now);
    const emitter = this.events?.close;
    if (emitter?.hasListeners) emitter.emit({ reason });
  }

  enterIsolation(now: number): void {
    this.probes = undefined;
    this.transition(ISOLATED, now);
  }

  /** Forgets the window and open history; calls in flight become stale. */
  forget(now: number): void {
    this.attempt = 0;
    this.lastDelay = 0;
    if (this.phase === CLOSED || this.phase === ISOLATED) {
      this.window.reset();
      this.generation++;
      return;
    }
    this.enterClosed('reset', now);
  }

  transition(to: Phase, now: number): void {
    const from = this.phase;
    this.phase = to;
    this.generation++;
    const emitter = this.events?.stateChange;
    if (emitter?.hasListeners)
      emitter.emit({ from: NAMES[from] as CircuitState, to: NAMES[to] as CircuitState, at: now });
  }

  /** Starts from a `toJSON()` snapshot (validated first). */
  restore(value: unknown): void {
    const config = this.config;
    const snapshot: CircuitBreakerSnapshot = parseSnapshot(value, config.trigger, config.halfOpenSuccesses);
    const now = config.clock.now();
    this.window.restore(snapshot.window, now);
    this.attempt = snapshot.attempt;
    this.lastDelay = snapshot.lastOpenMs;
    if (snapshot.state === 'closed') return;
    this.openedAt = now;
    if (snapshot.state === 'open') {
      this.phase = OPEN;
      this.openUntil = now + snapshot.openForMs;
    } else {
      this.phase = HALF_OPEN;
      this.probes = [];
      this.probeSuccesses = snapshot.probeSuccesses;
    }
  }
}
