import {
  contextFor,
  type Disposer,
  type ExecuteOptions,
  isAborted,
  type Operation,
  type Outcome,
  reportDecision,
} from '@sentinel/core';
import type { CircuitBreaker, CircuitBreakerStatus } from './api.ts';
import { Circuit, CLOSED, HALF_OPEN, ISOLATED, NAMES, OPEN } from './circuit.ts';
import { classify, FAILURE, IGNORED, type Kind, outcomeOf } from './classify.ts';
import { rejectLater } from './deferred-rejection.ts';
import { rejection } from './errors.ts';
import type { BreakerProbeDecision, BreakerRejectDecision, CircuitState } from './events.ts';
import { type BreakerConfig, type CircuitBreakerOptions, resolveOptions } from './options.ts';
import { BreakerPermit, type Permit, type PermitOwner, SETTLE } from './permit.ts';
import type { CircuitBreakerSnapshot } from './snapshot.ts';
import { snapshotOf, statusOf } from './status.ts';
import { checkTrip } from './trip.ts';

/** The start time of a call nobody times (NaN, since a ManualClock may read negative times). */
const UNTIMED = Number.NaN;

/**
 * Creates a circuit breaker. Closed, it runs every call and feeds outcomes to its trigger; when
 * the trigger trips it opens and rejects calls with a {@link CircuitOpenError} (without running
 * them) for `halfOpenAfter`; then it lets up to `halfOpenMaxCalls` probes through, closes after
 * `halfOpenSuccesses` of them succeed and re-opens (for a longer period, with a backoff) when one
 * fails. Nothing runs in the background: every transition is computed from `clock.now()` when
 * the breaker is used or read. A call whose signal is already aborted is refused with the
 * signal's `reason`: its work never runs and nothing is counted.
 *
 * @throws ConfigError for an invalid option or a malformed `initialState`.
 */
export function circuitBreaker(options?: CircuitBreakerOptions): CircuitBreaker {
  return new Breaker(resolveOptions(options), options?.initialState);
}

/** Outcome handlers shared by every untimed closed call of one generation. */
interface ClosedHandlers {
  readonly generation: number;
  readonly ok: <T>(value: T) => T;
  readonly fail: (error: unknown) => never;
}

/** Runs calls through the {@link Circuit}: the closed-state hot path, probes, permits, and the public API. */
class Breaker extends Circuit implements CircuitBreaker, PermitOwner {
  #handlers: ClosedHandlers | undefined;

  constructor(config: BreakerConfig, initialState: CircuitBreakerSnapshot | undefined) {
    super(config);
    if (initialState !== undefined) this.restore(initialState);
  }

  get state(): CircuitState {
    if (this.phase !== CLOSED) this.refresh(this.config.clock.now());
    return NAMES[this.phase] as CircuitState;
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    // Before anything else: an aborted call takes no probe slot, counts nothing, emits nothing.
    if (options !== undefined && isAborted(options)) return Promise.reject(options.signal.reason);
    if (this.phase !== CLOSED) return this.#guarded(fn, options);
    if (this.#timed()) return this.#track(fn, options, undefined);
    // The hot path: one promise reaction, with handlers shared by every call of this generation;
    // no clock read, nothing allocated but the context and the derived promise. Only a failure
    // of a call that can be aborted needs the call's own options, so only then a closure. The
    // caller gets the derived promise, not `fn`'s: a rejection the caller never handles is
    // still reported as unhandled (our handler does not swallow it).
    let handlers = this.#handlers;
    if (handlers === undefined || handlers.generation !== this.generation) handlers = this.#makeHandlers();
    const context = contextFor(options);
    let result: T | PromiseLike<T>;
    try {
      result = fn(context);
    } catch (error) {
      this.#closedSettled(handlers.generation, false, error, options);
      return Promise.reject(error);
    }
    // Plain options without a signal can never be aborted: the shared handler will do.
    const fail =
      options === undefined || (context !== options && options.signal === undefined)
        ? handlers.fail
        : this.#failureHandler(options);
    return Promise.resolve(result).then(handlers.ok, fail);
  }

  tryAcquire(): Permit | undefined {
    if (this.phase === CLOSED) {
      return new BreakerPermit(this, this.generation, this.#timed() ? this.config.clock.now() : UNTIMED, false);
    }
    const now = this.config.clock.now();
    this.refresh(now);
    const probe = this.#takeProbe(now);
    if (probe === undefined) this.rejected(now);
    return probe;
  }

  isolate(): Disposer {
    if (this.isolations++ === 0) this.enterIsolation(this.config.clock.now());
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      if (--this.isolations === 0) this.enterClosed('isolation-released', this.config.clock.now());
    };
    return { dispose: release, [Symbol.dispose]: release };
  }

  trip(ms: number, detail?: string): void {
    const openForMs = checkTrip(ms, detail);
    if (this.phase === ISOLATED) return;
    const now = this.config.clock.now();
    this.refresh(now);
    if (this.phase === OPEN) {
      this.openUntil = Math.max(this.openUntil, now + openForMs);
      return;
    }
    this.enterOpen('tripped', undefined, now, openForMs, detail);
  }

  reset(): void {
    this.forget(this.config.clock.now());
  }

  status(): CircuitBreakerStatus {
    const now = this.config.clock.now();
    this.refresh(now);
    return statusOf(this, now);
  }

  toJSON(): CircuitBreakerSnapshot {
    const now = this.config.clock.now();
    this.refresh(now);
    return snapshotOf(this, now);
  }

  [SETTLE](permit: BreakerPermit, ok: boolean, payload: unknown, ignored: boolean): void {
    const kind = ignored ? IGNORED : classify(this.config, ok, payload, undefined);
    this.#settle(permit.generation, permit.start, permit.probe ? permit : undefined, kind, ok, payload);
  }

  /** Closed calls are timed only when someone needs durations. */
  #timed(): boolean {
    return this.config.slowCallMs !== undefined || this.events?.timed === true;
  }

  #makeHandlers(): ClosedHandlers {
    const generation = this.generation;
    const handlers: ClosedHandlers = {
      generation,
      ok: (value) => {
        this.#closedSettled(generation, true, value, undefined);
        return value;
      },
      fail: (error) => {
        this.#closedSettled(generation, false, error, undefined);
        throw error;
      },
    };
    this.#handlers = handlers;
    return handlers;
  }

  #failureHandler(options: ExecuteOptions): (error: unknown) => never {
    const generation = this.generation;
    return (error) => {
      this.#closedSettled(generation, false, error, options);
      throw error;
    };
  }

  /** The outcome of an untimed closed call: the general {@link #settle} without its probe and timing cases. */
  #closedSettled(generation: number, ok: boolean, payload: unknown, options: ExecuteOptions | undefined): void {
    if (generation !== this.generation) return;
    const config = this.config;
    const kind = classify(config, ok, payload, options);
    if (this.events !== undefined) {
      this.#settle(generation, UNTIMED, undefined, kind, ok, payload);
      return;
    }
    if (kind === IGNORED) return;
    // A consecutive or count window needs no time; a time window reads it once, here.
    const now = config.trigger.needsTime ? config.clock.now() : 0;
    if (this.window.record(kind === FAILURE, false, now)) this.enterOpen('trigger', outcomeOf(ok, payload));
  }

  /** Runs `fn` timed and observes its outcome; `probe` when it runs as a half-open probe. */
  #track<T>(fn: Operation<T>, options: ExecuteOptions | undefined, probe: BreakerPermit | undefined): Promise<T> {
    const generation = this.generation;
    const start = probe !== undefined ? probe.start : this.#timed() ? this.config.clock.now() : UNTIMED;
    const done = (ok: boolean, payload: unknown) => {
      if (probe !== undefined) {
        if (probe.settled) return;
        probe.settled = true;
      }
      this.#settle(generation, start, probe, classify(this.config, ok, payload, options), ok, payload);
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
    const now = this.config.clock.now();
    this.refresh(now);
    const probe = this.#takeProbe(now);
    const onDecision = options?.onDecision;
    if (probe !== undefined) {
      if (onDecision !== undefined)
        reportDecision<BreakerProbeDecision>(onDecision, { layer: 'breaker', decision: 'probe' });
      return this.#track(fn, options, probe);
    }
    const state = this.rejected(now);
    const retryAfterMs = this.retryAfter(now);
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
    if (this.phase !== HALF_OPEN || !this.hasProbeSlot()) return undefined;
    const probe = new BreakerPermit(this, this.generation, now, true);
    if (this.probes === undefined) this.probes = [probe];
    else this.probes.push(probe);
    return probe;
  }

  #settle(
    generation: number,
    start: number,
    probe: BreakerPermit | undefined,
    kind: Kind,
    ok: boolean,
    payload: unknown,
  ): void {
    if (generation !== this.generation) return;
    if (probe !== undefined) {
      const probes = this.probes as BreakerPermit[];
      probes.splice(probes.indexOf(probe), 1);
    }
    if (kind === IGNORED) return;
    const config = this.config;
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
      if (generation !== this.generation) return;
    }
    if (probe !== undefined) {
      // A slow probe is no evidence of recovery: with slow-call detection on, it re-opens too.
      if (failed || slow) this.enterOpen('probe-failed', outcome ?? outcomeOf(ok, payload));
      else if (++this.probeSuccesses >= config.halfOpenSuccesses) this.enterClosed('probes-succeeded', now); // probes are always timed
      return;
    }
    if (this.window.record(failed, slow, now)) this.enterOpen('trigger', outcome ?? outcomeOf(ok, payload));
  }
}
