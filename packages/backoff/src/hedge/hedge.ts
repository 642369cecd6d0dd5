import {
  type Disposer,
  Emitter,
  type ExecuteOptions,
  isAborted,
  type Listener,
  type Operation,
  type Policy,
} from '@sentinel/core';
import type { HedgeEvent, HedgeGiveUpEvent, HedgeStatus, WinEvent } from './events.ts';
import { HedgeState } from './hedge-state.ts';
import { HedgedCall } from './hedged-call.ts';
import { type HedgeOptions, resolveHedgeOptions } from './options.ts';

/** A hedging policy: `execute` races the work against delayed copies of itself. */
export interface HedgePolicy extends Policy {
  /** Hedged attempts allowed per call, beyond the primary. */
  readonly maxHedges: number;
  /** Called when a hedge starts: which one, why, and how many attempts are still running. */
  onHedge(listener: Listener<HedgeEvent>): Disposer;
  /** Called when an acceptable outcome settles a call: which attempt won, and how fast. */
  onWin(listener: Listener<WinEvent>): Disposer;
  /** Called when every attempt of a call was hedged and no other may start. */
  onGiveUp(listener: Listener<HedgeGiveUpEvent>): Disposer;
  /** Counters since the policy was created, the tracked latency and the budget's state. */
  status(): HedgeStatus;
}

/**
 * Hedging (Polly v8, gRPC, Envoy; "The Tail at Scale"): when the work has not answered after
 * `delayMs`, start another attempt in parallel, up to `maxHedges` more; the first acceptable
 * outcome wins and every other attempt is aborted through its signal (with a `HedgeLostError`).
 * The winner's signal is not aborted: what it returned (a response body still streaming) stays
 * usable. An attempt whose outcome `shouldHedge` rejects starts the next hedge at once.
 *
 * Only hedge work that may safely run more than once at the same time (reads, or writes with an
 * idempotency key): hedging is a deliberate duplicate. A `budget` bounds the extra load; hedges
 * it refuses do not start.
 *
 * An already-aborted signal rejects at once without calling `fn`; an abort during the call
 * rejects at once with the signal's reason and aborts every attempt. Nothing stays pending once
 * the call settles: the one timer is cleared and the abort listener removed.
 *
 * @example
 * const policy = hedge({ delayMs: { percentile: 95, initialMs: 200 }, maxHedges: 1 });
 * const user = await policy.execute(({ signal }) => fetch(url, { signal }).then((r) => r.json()));
 * @throws ConfigError when an option is invalid (see {@link HedgeOptions}).
 */
export function hedge(options: HedgeOptions): HedgePolicy {
  return new Hedge(options);
}

class Hedge implements HedgePolicy {
  readonly maxHedges: number;
  readonly #state: HedgeState;

  constructor(options: HedgeOptions) {
    this.#state = new HedgeState(resolveHedgeOptions(options));
    this.maxHedges = this.#state.maxHedges;
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    const state = this.#state;
    let firstDelayMs: number | undefined;
    if (state.maxHedges > 0) {
      try {
        firstDelayMs = state.delayBefore(1, 0);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    state.calls++;
    state.budget?.recordCall();
    return new Promise<T>((resolve, reject) => {
      new HedgedCall(state, fn, options, resolve, reject).start(firstDelayMs);
    });
  }

  onHedge(listener: Listener<HedgeEvent>): Disposer {
    this.#state.hedgeEvents ??= new Emitter();
    return this.#state.hedgeEvents.subscribe(listener);
  }

  onWin(listener: Listener<WinEvent>): Disposer {
    this.#state.winEvents ??= new Emitter();
    return this.#state.winEvents.subscribe(listener);
  }

  onGiveUp(listener: Listener<HedgeGiveUpEvent>): Disposer {
    this.#state.giveUpEvents ??= new Emitter();
    return this.#state.giveUpEvents.subscribe(listener);
  }

  status(): HedgeStatus {
    const state = this.#state;
    const percentile = state.percentile;
    const latencies = state.latencies;
    return {
      calls: state.calls,
      hedges: state.hedges,
      primaryWins: state.primaryWins,
      hedgeWins: state.hedgeWins,
      giveUps: state.giveUps,
      aborts: state.aborts,
      budgetRefusals: state.budgetRefusals,
      running: state.running,
      latency:
        percentile === undefined || latencies === undefined
          ? null
          : {
              percentile: percentile.percentile,
              samples: latencies.count,
              valueMs:
                latencies.count >= percentile.minSamples
                  ? (latencies.percentile(percentile.percentile) as number)
                  : null,
            },
      budget: state.budget === undefined ? null : state.budget.status(),
    };
  }
}
