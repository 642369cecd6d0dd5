import {
  type Clock,
  type DecisionListener,
  type ExecuteOptions,
  type ExecutionContext,
  isAborted,
  type Operation,
  type Policy,
  reportDecision,
} from '@sentinel/core';

/*
 * The hedge is a policy value (any `Policy`; usually `hedge()` from @sentinel/backoff) shared by
 * every request of a client, so its own events cannot say which request they were about. The
 * client therefore watches each traced call of the hedge from outside: it sees every attempt the
 * hedge launches (each is a call of the operation it hands the hedge), how each settles, which
 * outcome the call returns, and which attempts are aborted when it does, and reports that to the
 * request's decision trace (layer 'hedge'). Untraced calls go straight to the hedge.
 */

// The client attempt number (the trace's "attempt N sent") of each attempt context that reached
// the transport. The hedge's attempt contexts pass unchanged through the breaker and the limiter,
// so the context the hedge launched is the key. Weak: nothing outlives the request.
const sentAs = new WeakMap<object, number>();

/** Records that the attempt running in `context` was sent as client attempt `attempt`. */
export function noteAttempt(context: object, attempt: number): void {
  sentAs.set(context, attempt);
}

/** Wraps `hedge` so that a traced call (one with `onDecision`) reports its hedges, winner and losers. */
export function tracedHedge(hedge: Policy, clock: Clock): Policy {
  return {
    execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
      const onDecision = options?.onDecision;
      if (onDecision === undefined || isAborted(options)) return hedge.execute(fn, options);
      return new HedgeCallTrace<T>(onDecision, clock, options).run(hedge, fn);
    },
  };
}

interface LaunchedAttempt {
  readonly context: ExecutionContext;
  settled: boolean;
  /** Aborted while still running: a loser (or the caller gave up). */
  abortedRunning: boolean;
  outcome: unknown;
  onAbort: (() => void) | undefined;
}

class HedgeCallTrace<T> {
  readonly #report: DecisionListener;
  readonly #clock: Clock;
  readonly #options: ExecuteOptions | undefined;
  readonly #start: number;
  readonly #launched: LaunchedAttempt[] = [];
  // Attempts that failed since the last launch: a launch right after one is a hedge on failure.
  #failedSinceLaunch = 0;

  constructor(report: DecisionListener, clock: Clock, options: ExecuteOptions | undefined) {
    this.#report = report;
    this.#clock = clock;
    this.#options = options;
    this.#start = clock.now();
  }

  run(hedge: Policy, fn: Operation<T>): Promise<T> {
    return hedge
      .execute((context) => this.#attempt(fn, context), this.#options)
      .then(
        (value) => {
          this.#settled(value);
          return value;
        },
        (error: unknown) => {
          this.#settled(error);
          throw error;
        },
      );
  }

  #attempt(fn: Operation<T>, context: ExecutionContext): Promise<T> {
    const index = this.#launched.length;
    const launched: LaunchedAttempt = {
      context,
      settled: false,
      abortedRunning: false,
      outcome: undefined,
      onAbort: undefined,
    };
    this.#launched.push(launched);
    if (index > 0) {
      reportDecision(this.#report, {
        layer: 'hedge',
        decision: 'start',
        hedge: index,
        afterMs: this.#clock.now() - this.#start,
        reason: this.#failedSinceLaunch > 0 ? 'failure' : 'delay',
      } as never);
    }
    this.#failedSinceLaunch = 0;
    // The client reads every hedged attempt's signal anyway (a loser must be cancellable), so
    // listening to it costs no extra controller. The hedge aborts losers synchronously as the call
    // settles: the listener sees exactly which attempts were still running then.
    const signal = context.signal;
    if (!signal.aborted) {
      launched.onAbort = () => {
        if (!launched.settled) launched.abortedRunning = true;
      };
      signal.addEventListener('abort', launched.onAbort, { once: true });
    }
    let result: Promise<T>;
    try {
      result = Promise.resolve(fn(context));
    } catch (error) {
      result = Promise.reject(error);
    }
    return result.then(
      (value) => {
        this.#done(launched, value);
        return value;
      },
      (error: unknown) => {
        this.#done(launched, error);
        this.#failedSinceLaunch++;
        throw error;
      },
    );
  }

  #done(launched: LaunchedAttempt, outcome: unknown): void {
    launched.settled = true;
    launched.outcome = outcome;
    if (launched.onAbort !== undefined) launched.context.signal.removeEventListener('abort', launched.onAbort);
  }

  /** The call settled with `outcome` (a value or an error): which attempt it came from, and who lost. */
  #settled(outcome: unknown): void {
    const launched = this.#launched;
    if (launched.length < 2) return; // No hedge started: nothing to say.
    const winner = launched.find((a) => a.settled && a.outcome === outcome);
    // Without a winner (the caller aborted, the hedge failed on its own) the end entry says why.
    if (winner === undefined) return;
    const win: Record<string, unknown> = { layer: 'hedge', decision: 'win', hedges: launched.length - 1 };
    const attempt = attemptOf(winner);
    if (attempt !== undefined) win.attempt = attempt;
    win.hedge = launched.indexOf(winner);
    reportDecision(this.#report, win as never);
    const aborted: number[] = [];
    let unsent = 0;
    for (const a of launched) {
      if (a === winner || !a.abortedRunning) continue;
      const number = sentAs.get(a.context);
      if (number === undefined) unsent++;
      else aborted.push(number);
    }
    if (aborted.length === 0 && unsent === 0) return;
    const entry: Record<string, unknown> = { layer: 'hedge', decision: 'abort', attempts: aborted };
    if (unsent > 0) entry.unsent = unsent;
    reportDecision(this.#report, entry as never);
  }
}

// The client attempt an outcome came from: its context's, else what the outcome says (a response
// or an HttpError carries `attempts`, the number of the attempt that produced it).
function attemptOf(launched: LaunchedAttempt): number | undefined {
  const noted = sentAs.get(launched.context);
  if (noted !== undefined) return noted;
  const attempts = (launched.outcome as { attempts?: unknown } | null)?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}
