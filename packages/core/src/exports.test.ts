import { describe, expect, it } from 'vitest';
import * as core from './index.ts';
import * as testing from './testing/index.ts';

// The public surface changes only on purpose: update these lists in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/core', () => {
    expect(Object.keys(core).sort()).toMatchInlineSnapshot(`
      [
        "AttemptScope",
        "ConfigError",
        "Emitter",
        "MAX_DELAY_MS",
        "RejectedError",
        "SentinelError",
        "TimeoutError",
        "abortSignalOf",
        "compose",
        "contextFor",
        "describeRule",
        "describeValue",
        "failure",
        "fallback",
        "isAborted",
        "isConfigError",
        "isNonRetryable",
        "isRejectedError",
        "isSentinelError",
        "isTimeoutError",
        "markNonRetryable",
        "optionChecker",
        "pipeline",
        "rejectInvalidSleep",
        "reportDecision",
        "reportListenerError",
        "retryAfterOf",
        "runOperation",
        "settle",
        "success",
        "systemClock",
        "systemRandom",
        "systemWallClock",
        "timeout",
        "unwrap",
      ]
    `);
  });

  it('@sentinel/core/testing', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "EventRecorder",
        "ManualClock",
        "constantRandom",
        "flushMicrotasks",
        "sequenceRandom",
      ]
    `);
  });
});
