import {
  contextFor,
  type Disposer,
  type ExecuteOptions,
  type Operation,
  type Outcome,
  reportDecision,
} from '@sentinel/core';
import type { CircuitBreaker, CircuitBreakerStatus } from './api.ts';
import { classify, FAILURE, IGNORED, type Kind, outcomeOf } from './classify.ts';
import { rejectLater } from './deferred-rejection.ts';
import { type RejectingState, rejection } from './errors.ts';
import { EventSource } from './event-source.ts';
import type { BreakerProbeDecision, BreakerRejectDecision, CircuitState, CloseReason, OpenReason } from './events.ts';
import { type BreakerConfig, type CircuitBreakerOptions, openPeriod, resolveOptions } from './options.ts';
import { BreakerPermit, type Permit, type PermitOwner, SETTLE } from './permit.ts';
import { type CircuitBreakerSnapshot, parseSnapshot } from './snapshot.ts';
import type { TriggerWindow } from './triggers/trigger.ts';
import { checkTrip } from './trip.ts';

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const ISOLATED = 3;
/** The start time of a call nobody times (NaN, since a ManualClock may read negative times). */
const UNTIMED = Number.NaN;
const NAMES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];

/**
 * Creates a circuit breaker. Closed, it runs every call and feeds outcomes to its trigger; when
 * the trigger trips it opens and rejects calls with a {@link CircuitOpenError} (without running
 * them) for `halfOpenAfter`; then it lets up to `halfOpenMaxCalls` probes through, closes after
 * `halfOpenSuccesses` of them succeed and re-opens (for a longer period, with a backoff) when one
 * fails. Nothing runs in the background: every transition is computed from `clock.now()` when
 * the breaker is used or read.
 *
 * @throws ConfigError for an invalid option or a malformed `initialState`.
 */
export function circuitBreaker(options?: CircuitBreakerOptions): CircuitBreaker {
  return new Breaker(resolveOptions(options), options?.initialState);
}

interface ClosedHandlers {
  readonly ok: <T>(value: T) => T;
  readonly fail: (error: unknown) => never;
}

class Breaker extends EventSource implements CircuitBreaker, PermitOwner {
  readonly #config: BreakerConfig;
  readonly #window: TriggerWindow;
  #state = CLOSED;
  /** Bumped on every transition and reset: outcomes of calls started before are stale. */
  #generation = 0;
  #isolations = 0;
  #openedAt = 0;
  #openUntil = 0;
  /** Opens in a row without a close (the backoff's attempt), and the last open period. */
  #attempt = 0;
  #lastDelay = 0;
  /** Probes in flight, oldest first (half-open only). */
  #probes: BreakerPermit[] | undefined;
  #probeSuccesses = 0;
  /** Outcome handlers shared by every untimed closed call of the current generation. */
  #handlers: ClosedHandlers | undefined;

  constructor(config: BreakerConfig, initialState: CircuitBreakerSnapshot | undefined) {
    super();
    this.#config = config;
    this.#window = config.trigger.create();
    if (initialState !== undefined) this.#restore(initialState);
  }

  get state(): CircuitState {
    if (this.#state !== CLOSED) this.#refresh(this.#config.clock.now());
    return NAMES[this.#state] as CircuitState;
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    if (this.#state !== CLOSED) return this.#guarded(fn, options);
    if (this.#timed()) return this.#track(fn, options, undefined);
    // The hot path: one promise reaction, with handlers shared by every call of this generation.
    // Only a failure needs the call's own options (to see whether the caller aborted), so only
    // then a closure. The caller gets the derived promise, not `fn`'s: a rejection the caller
    // never handles is still reported as unhandled (our handler does not swallow it).
    let result: T | PromiseLike<T>;
    try {
      result = fn(contextFor(options));
    } catch (error) {
      this.#settle(this.#generation, UNTIMED, undefined, classify(this.#config, false, error, options), false, error);
      return Promise.reject(error);
    }
    const promise = Promise.resolve(result);
    const handlers = this.#handlers ?? this.#makeHandlers();
    return promise.then(handlers.ok, options === undefined ? handlers.fail : this.#failureHandler(options));
  }

  tryAcquire(): Permit | undefined {
    if (this.#state === CLOSED) {
      return new BreakerPermit(this, this.#generation, this.#timed() ? this.#config.clock.now() : UNTIMED, false);
    }
    const now = this.#config.clock.now();
    this.#refresh(now);
    const probe = this.#takeProbe(now);
    if (probe === undefined) this.#rejected(now);
    return probe;
  }

  isolate(): Disposer {
    if (this.#isolations++ === 0) {
      this.#probes = undefined;
      this.#transition(ISOLATED, this.#config.clock.now());
    }
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      if (--this.#isolations === 0) this.#close('isolation-released', this.#config.clock.now());
    };
    return { dispose: release, [Symbol.dispose]: release };
  }

  trip(ms: number, detail?: string): void {
    const openForMs = checkTrip(ms, detail);
    if (this.#state === ISOLATED) return;
    const now = this.#config.clock.now();
    this.#refresh(now);
    if (this.#state === OPEN) {
      this.#openUntil = Math.max(this.#openUntil, now + openForMs);
      return;
    }
    this.#trip('tripped', undefined, now, openForMs, detail);
  }

  reset(): void {
    this.#attempt = 0;
    this.#lastDelay = 0;
    if (this.#state === CLOSED || this.#state === ISOLATED) {
      this.#window.reset();
      this.#generation++;
      this.#handlers = undefined;
      return;
    }
    this.#close('reset', this.#config.clock.now());
  }

  status(): CircuitBreakerStatus {
    const now = this.#config.clock.now();
    this.#refresh(now);
    const m = this.#window.metrics(now);
    const state = this.#state;
    const open = state === OPEN || state === HALF_OPEN;
    return {
      state: NAMES[state] as CircuitState,
      failureRate: m.failureRate,
      slowCallRate: m.slowCallRate,
      calls: m.calls,
      failures: m.failures,
      slowCalls: m.slowCalls,
      openedAt: open ? this.#openedAt : undefined,
      retryAfterMs: state === CLOSED || (state === HALF_OPEN && this.#hasProbeSlot()) ? 0 : this.#retryAfter(now),
      probesInFlight: this.#probes?.length ?? 0,
      isolations: this.#isolations,
      attempt: this.#attempt,
    };
  }

  toJSON(): CircuitBreakerSnapshot {
    const now = this.#config.clock.now();
    this.#refresh(now);
    const state = this.#state;
    if (state === ISOLATED) {
      const empty = this.#config.trigger.create().snapshot(now);
      return { version: 1, state: 'closed', openForMs: 0, attempt: 0, lastOpenMs: 0, probeSuccesses: 0, window: empty };
    }
    return {
      version: 1,
      state: state === OPEN ? 'open' : state === HALF_OPEN ? 'half-open' : 'closed',
      openForMs: state === OPEN ? this.#openUntil - now : 0,
      attempt: this.#attempt,
      lastOpenMs: this.#lastDelay,
      probeSuccesses: state === HALF_OPEN ? this.#probeSuccesses : 0,
      window: this.#window.snapshot(now),
    };
  }

  [SETTLE](permit: BreakerPermit, ok: boolean, payload: unknown, ignored: boolean): void {
    const kind = ignored ? IGNORED : classify(this.#config, ok, payload, undefined);
    this.#settle(permit.generation, permit.start, permit.probe ? permit : undefined, kind, ok, payload);
  }

  /** Closed calls are timed only when someone needs durations. */
  #timed(): boolean {
    return this.#config.slowCallMs !== undefined || this.events?.timed === true;
  }

  #makeHandlers(): ClosedHandlers {
    const generation = this.#generation;
    const handlers: ClosedHandlers = {
      ok: (value) => {
        this.#settle(generation, UNTIMED, undefined, classify(this.#config, true, value, undefined), true, value);
        return value;
      },
      fail: (error) => {
        this.#settle(generation, UNTIMED, undefined, classify(this.#config, false, error, undefined), false, error);
        throw error;
      },
    };
    this.#handlers = handlers;
    return handlers;
  }

  #failureHandler(options: ExecuteOptions): (error: unknown) => never {
    const generation = this.#generation;
    return (error) => {
      this.#settle(generation, UNTIMED, undefined, classify(this.#config, false, error, options), false, error);
      throw error;
    };
  }

  /** Runs `fn` timed and observes its outcome; `probe` when it runs as a half-open probe. */
  #track<T>(fn: Operation<T>, options: ExecuteOptions | undefined, probe: BreakerPermit | undefined): Promise<T> {
    const generation = this.#generation;
    const start = probe !== undefined ? probe.start : this.#timed() ? this.#config.clock.now() : UNTIMED;
    const done = (ok: boolean, payload: unknown) => {
      if (probe !== undefined) {
        if (probe.settled) return;
        probe.settled = true;
      }
      this.#settle(generation, start, probe, classify(this.#config, ok, payload, options), ok, payload);
    };
    let result: T | PromiseLike<T>;
    try {
      result = fn(contextFor(options));
    } catch (error) {
      done(false, error);
      return Promise.reject(error);
    }
    return Promise.resolve(result).then(
      (value) => {
        done(true, value);
        return value;
      },
      (error: unknown) => {
        done(false, error);
        throw error;
      },
    );
  }

  #guarded<T>(fn: Operation<T>, options: ExecuteOptions | undefined): Promise<T> {
    const now = this.#config.clock.now();
    this.#refresh(now);
    const probe = this.#takeProbe(now);
    const onDecision = options?.onDecision;
    if (probe !== undefined) {
      if (onDecision !== undefined)
        reportDecision<BreakerProbeDecision>(onDecision, { layer: 'breaker', decision: 'probe' });
      return this.#track(fn, options, probe);
    }
    const state = this.#rejected(now);
    const retryAfterMs = this.#retryAfter(now);
    if (onDecision !== undefined) {
      const decision: BreakerRejectDecision =
        retryAfterMs === undefined
          ? { layer: 'breaker', decision: 'reject', state }
          : { layer: 'breaker', decision: 'reject', state, retryAfterMs };
      reportDecision(onDecision, decision);
    }
    return rejectLater(rejection(state, retryAfterMs));
  }

  #takeProbe(now: number): BreakerPermit | undefined {
    if (this.#state !== HALF_OPEN || !this.#hasProbeSlot()) return undefined;
    const probe = new BreakerPermit(this, this.#generation, now, true);
    if (this.#probes === undefined) this.#probes = [probe];
    else this.#probes.push(probe);
    return probe;
  }

  #hasProbeSlot(): boolean {
    return (this.#probes?.length ?? 0) < this.#config.halfOpenMaxCalls;
  }

  /** Emits `onReject` and returns the state to report. */
  #rejected(now: number): RejectingState {
    const state = this.#state === ISOLATED ? 'isolated' : this.#state === OPEN ? 'open' : 'half-open';
    const emitter = this.events?.reject;
    if (emitter?.hasListeners) emitter.emit({ state, retryAfterMs: this.#retryAfter(now) });
    return state;
  }

  #retryAfter(now: number): number | undefined {
    if (this.#state === OPEN) return Math.max(0, this.#openUntil - now);
    if (this.#state === HALF_OPEN) return this.#lastDelay;
    return undefined;
  }

  #settle(
    generation: number,
    start: number,
    probe: BreakerPermit | undefined,
    kind: Kind,
    ok: boolean,
    payload: unknown,
  ): void {
    if (generation !== this.#generation) return;
    if (probe !== undefined) {
      const probes = this.#probes as BreakerPermit[];
      probes.splice(probes.indexOf(probe), 1);
    }
    if (kind === IGNORED) return;
    const config = this.#config;
    const timed = !Number.isNaN(start); // any clock reading counts, negative ones included
    const now = timed || config.trigger.needsTime ? config.clock.now() : 0;
    const durationMs = timed ? now - start : undefined;
    const slow = config.slowCallMs !== undefined && durationMs !== undefined && durationMs >= config.slowCallMs;
    const failed = kind === FAILURE;
    const events = this.events;
    let outcome: Outcome<unknown> | undefined;
    if (events !== undefined) {
      const state = probe === undefined ? 'closed' : 'half-open';
      if (failed && events.failure?.hasListeners) {
        outcome = outcomeOf(ok, payload);
        events.failure.emit({ state, slow, durationMs, outcome });
      } else if (!failed && events.success?.hasListeners) {
        events.success.emit({ state, slow, durationMs });
      }
      // A listener may have reset or isolated the breaker.
      if (generation !== this.#generation) return;
    }
    if (probe !== undefined) {
      // A slow probe is no evidence of recovery: with slow-call detection on, it re-opens too.
      if (failed || slow) this.#trip('probe-failed', outcome ?? outcomeOf(ok, payload));
      else if (++this.#probeSuccesses >= config.halfOpenSuccesses) this.#close('probes-succeeded', now); // probes are always timed
      return;
    }
    if (this.#window.record(failed, slow, now)) this.#trip('trigger', outcome ?? outcomeOf(ok, payload));
  }

  /** Applies what time alone changes: an elapsed open period, a probe that never settled. */
  #refresh(now: number): void {
    if (this.#state === HALF_OPEN) {
      const oldest = this.#probes?.[0];
      if (oldest !== undefined && now - oldest.start >= this.#config.halfOpenProbeTimeoutMs) {
        this.#trip('probe-timeout', undefined, now);
      }
    }
    if (this.#state === OPEN && now >= this.#openUntil) {
      this.#probes = [];
      this.#probeSuccesses = 0;
      this.#transition(HALF_OPEN, now);
      const emitter = this.events?.halfOpen;
      if (emitter?.hasListeners) emitter.emit({ openedForMs: now - this.#openedAt });
    }
  }

  #trip(
    reason: OpenReason,
    outcome: Outcome<unknown> | undefined,
    at?: number,
    fixedMs?: number,
    detail?: string,
  ): void {
    const now = at ?? this.#config.clock.now();
    const attempt = ++this.#attempt;
    const openForMs = fixedMs ?? openPeriod(this.#config, attempt, this.#lastDelay);
    this.#lastDelay = openForMs;
    this.#openedAt = now;
    this.#openUntil = now + openForMs;
    this.#probes = undefined;
    this.#probeSuccesses = 0;
    this.#transition(OPEN, now);
    const emitter = this.events?.open;
    if (emitter?.hasListeners) emitter.emit({ reason, openForMs, attempt, outcome, detail });
  }

  #close(reason: CloseReason, now: number): void {
    this.#window.reset();
    this.#attempt = 0;
    this.#lastDelay = 0;
    this.#probes = undefined;
    this.#probeSuccesses = 0;
    this.#transition(CLOSED, now);
    const emitter = this.events?.close;
    if (emitter?.hasListeners) emitter.emit({ reason });
  }

  #transition(to: number, now: number): void {
    const from = this.#state;
    this.#state = to;
    this.#generation++;
    this.#handlers = undefined;
    const emitter = this.events?.stateChange;
    if (emitter?.hasListeners)
      emitter.emit({ from: NAMES[from] as CircuitState, to: NAMES[to] as CircuitState, at: now });
  }

  #restore(value: unknown): void {
    const config = this.#config;
    const snapshot = parseSnapshot(value, config.trigger, config.halfOpenSuccesses);
    const now = config.clock.now();
    this.#window.restore(snapshot.window, now);
    this.#attempt = snapshot.attempt;
    this.#lastDelay = snapshot.lastOpenMs;
    if (snapshot.state === 'closed') return;
    this.#openedAt = now;
    if (snapshot.state === 'open') {
      this.#state = OPEN;
      this.#openUntil = now + snapshot.openForMs;
    } else {
      this.#state = HALF_OPEN;
      this.#probes = [];
      this.#probeSuccesses = snapshot.probeSuccesses;
    }
  }
}
