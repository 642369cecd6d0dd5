import type { Outcome } from '@sentinel/core';
import type { RetryBudgetStatus } from '../budget/retry-budget.ts';

/** Why a hedge started: the delay passed without an answer, or an attempt failed. */
export type HedgeReason = 'delay' | 'failure';

/** Payload of `onHedge`: another attempt starts, in parallel with those still running. */
export interface HedgeEvent {
  /** 1-based number of this hedge (1 for the first one after the primary). */
  readonly hedge: number;
  /** The attempt it runs as: `hedge + 1` (the primary is attempt 1). */
  readonly attempt: number;
  /** `'delay'`: no acceptable answer within the delay; `'failure'`: an attempt's outcome was hedged. */
  readonly reason: HedgeReason;
  /** Attempts still running when it starts. */
  readonly running: number;
}

/** Payload of `onWin`: an acceptable outcome settled the call. */
export interface WinEvent {
  /** The attempt that won: 1 for the primary, `n + 1` for hedge `n`. */
  readonly attempt: number;
  /** Hedges started during the call. */
  readonly hedges: number;
  /** From the call's start to this outcome, in milliseconds (clock time). */
  readonly latencyMs: number;
  /** The outcome returned (a value) or rethrown (an error `shouldHedge` did not hedge). */
  readonly outcome: Outcome<unknown>;
}

/** Why a hedge gave up: every attempt allowed was made, or the budget refused the next one. */
export type HedgeGiveUpReason = 'attempts' | 'budget';

/** Payload of `onGiveUp`: every attempt started was hedged and no other may start. */
export interface HedgeGiveUpEvent {
  /** Attempts made, the primary included. */
  readonly attempts: number;
  readonly reason: HedgeGiveUpReason;
  /** The last attempt's outcome, which the call returns or rethrows unchanged. */
  readonly outcome: Outcome<unknown>;
}

/** The latency a percentile delay tracks. */
export interface HedgeLatencyStatus {
  /** The percentile tracked, in (0, 100]. */
  readonly percentile: number;
  /** Latencies held (at most the window). */
  readonly samples: number;
  /** That percentile of the latencies held, in ms; `null` while fewer than `minSamples` are held. */
  readonly valueMs: number | null;
}

/** Snapshot returned by `status()`. Plain data, JSON-serialisable. */
export interface HedgeStatus {
  /** Calls to `execute` that started their primary attempt. */
  readonly calls: number;
  /** Hedged attempts started (attempts after the primary). */
  readonly hedges: number;
  /** Calls settled by the primary attempt. */
  readonly primaryWins: number;
  /** Calls settled by a hedged attempt. */
  readonly hedgeWins: number;
  /** Calls that ended with every attempt hedged (see `onGiveUp`). */
  readonly giveUps: number;
  /** Calls ended by the caller's signal. */
  readonly aborts: number;
  /** Hedges the budget refused. */
  readonly budgetRefusals: number;
  /** Attempts running now, across calls. */
  readonly running: number;
  /** The tracked latency under a percentile delay; `null` otherwise. */
  readonly latency: HedgeLatencyStatus | null;
  /** The shared budget's state, or `null` without a budget. */
  readonly budget: RetryBudgetStatus | null;
}
