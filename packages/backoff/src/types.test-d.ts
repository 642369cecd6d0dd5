import type { Backoff } from '@sentinel/core';
import { compose, type Outcome, type Policy, timeout } from '@sentinel/core';
import { expectTypeOf } from 'vitest';
import {
  constant,
  exponential,
  fullJitter,
  type RetryEvent,
  type RetryOptions,
  type RetryPolicy,
  retry,
  retryPresets,
} from './index.ts';

declare const backoffType: Backoff;

// Schedules are core's Backoff type, so any policy taking a backoff accepts them.
expectTypeOf(exponential()).toEqualTypeOf<typeof backoffType>();
expectTypeOf(fullJitter(constant(5))).toEqualTypeOf<typeof backoffType>();

const policy = retry({ maxAttempts: 3 });
expectTypeOf(policy).toMatchTypeOf<Policy>();
expectTypeOf(policy.execute(async () => 42)).toEqualTypeOf<Promise<number>>();
expectTypeOf(policy.execute(() => 'sync')).toEqualTypeOf<Promise<string>>();
expectTypeOf(compose(policy, timeout({ ms: 100 })).execute(async () => ({ id: 1 }))).toEqualTypeOf<
  Promise<{ id: number }>
>();

// Presets are plain retry options: spreading and overriding type-checks.
const options: RetryOptions = { ...retryPresets.production, shouldRetry: (o: Outcome<unknown>) => !o.ok };
expectTypeOf(retry(options)).toEqualTypeOf<RetryPolicy>();

policy.onRetry((event) => {
  expectTypeOf(event).toEqualTypeOf<RetryEvent>();
  expectTypeOf(event.delaySource).toEqualTypeOf<'backoff' | 'retry-after'>();
});

// @ts-expect-error maxAttempts is a number
retry({ maxAttempts: '3' });
// @ts-expect-error unknown options are rejected by the type too
retry({ retries: 3 });
