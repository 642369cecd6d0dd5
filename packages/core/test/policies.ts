// Shared by the conformance tests: every policy @sentinel/core exports, and every other export.
import * as core from '../src/index.ts';
import type { ManualClock } from '../src/testing/index.ts';

/** A hand-written policy that checks nothing: compose() must keep the contract around it. */
export const naive: core.Policy = { execute: (fn, options) => core.runOperation(fn, core.contextFor(options)) };

export interface PolicyCase {
  readonly name: string;
  /** Builds the policy on `clock`; `status` (when it has one) must not count the refused call. */
  readonly make: (clock: ManualClock) => core.Policy & { status?: () => unknown };
}

// Every export of the package index that makes or is a policy, by export name.
export const POLICIES: Record<string, readonly PolicyCase[]> = {
  compose: [
    { name: 'compose()', make: () => core.compose() },
    { name: 'compose(naive)', make: () => core.compose(naive) },
    { name: 'compose(timeout, naive)', make: (clock) => core.compose(core.timeout({ ms: 100, clock }), naive) },
  ],
  pipeline: [
    { name: 'pipeline()', make: () => core.pipeline() },
    { name: 'pipeline({ timeout: 50 })', make: (clock) => core.pipeline({ timeout: 50, clock }) },
    { name: 'pipeline({ policies: [naive] })', make: () => core.pipeline({ policies: [naive] }) },
  ],
  timeout: [{ name: 'timeout', make: (clock) => core.timeout({ ms: 100, clock }) }],
  fallback: [
    { name: 'fallback', make: () => core.fallback({ fallback: () => 'fallback' }) },
    {
      name: 'fallback handling values',
      make: () => core.fallback({ fallback: () => 'fallback', shouldHandle: () => true }),
    },
  ],
};

// Everything else the index exports; a new export must be put in one list or the other.
export const NOT_POLICIES = [
  'AttemptScope',
  'ConfigError',
  'Emitter',
  'MAX_DELAY_MS',
  'RejectedError',
  'SentinelError',
  'TimeoutError',
  'abortSignalOf',
  'contextFor',
  'describeRule',
  'describeValue',
  'failure',
  'isAborted',
  'isConfigError',
  'isNonRetryable',
  'isRejectedError',
  'isSentinelError',
  'isTimeoutError',
  'markNonRetryable',
  'optionChecker',
  'rejectInvalidSleep',
  'reportDecision',
  'reportListenerError',
  'retryAfterOf',
  'runOperation',
  'settle',
  'success',
  'systemClock',
  'systemRandom',
  'systemWallClock',
  'unwrap',
];
