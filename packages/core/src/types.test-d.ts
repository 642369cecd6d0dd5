import { describe, expectTypeOf, it } from 'vitest';
import {
  compose,
  type Decision,
  type DecisionListener,
  type ExecuteOptions,
  type ExecutionContext,
  type Outcome,
  type Policy,
  type TimeoutDecision,
  timeout,
} from './index.ts';

declare const policy: Policy;

describe('types', () => {
  it('execute keeps T for sync and async work', () => {
    expectTypeOf(policy.execute(() => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(policy.execute(async () => 'x')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(policy.execute((ctx) => ctx)).toEqualTypeOf<Promise<ExecutionContext>>();
  });

  it('execute keeps T through compose, at any depth', () => {
    const pipeline = compose(policy, timeout({ ms: 10 }), compose(policy, policy));
    expectTypeOf(pipeline.execute(async () => ({ id: 1 as const }))).toEqualTypeOf<Promise<{ id: 1 }>>();
    expectTypeOf(pipeline.policies).toEqualTypeOf<readonly Policy[]>();
  });

  it('the context has signal and attempt, and an optional decision listener', () => {
    expectTypeOf<ExecutionContext>().toEqualTypeOf<{
      readonly signal: AbortSignal;
      readonly attempt: number;
      readonly onDecision?: DecisionListener | undefined;
    }>();
  });

  it('onDecision is optional on the options, and any decision subtype can be reported', () => {
    expectTypeOf<{ signal: AbortSignal }>().toMatchTypeOf<ExecuteOptions>();
    expectTypeOf<ExecuteOptions['onDecision']>().toEqualTypeOf<DecisionListener | undefined>();
    expectTypeOf<TimeoutDecision>().toMatchTypeOf<Decision>();
    expectTypeOf<DecisionListener>().parameter(0).toEqualTypeOf<Decision>();
  });

  it('an outcome narrows on ok', () => {
    const outcome = {} as Outcome<number>;
    if (outcome.ok) expectTypeOf(outcome.value).toEqualTypeOf<number>();
    else expectTypeOf(outcome.error).toEqualTypeOf<unknown>();
  });
});
