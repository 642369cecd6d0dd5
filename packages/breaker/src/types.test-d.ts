import { compose, type Disposer, type Policy } from '@sentinel/core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type BreakerGroup,
  breakerGroup,
  type CircuitBreaker,
  type CircuitBreakerSnapshot,
  type CircuitState,
  circuitBreaker,
  consecutive,
  isCircuitOpenError,
  type OpenEvent,
  type Permit,
  type RejectingState,
} from './index.ts';

const breaker = circuitBreaker({ trigger: consecutive({ threshold: 3 }) });

describe('types', () => {
  it('a breaker is a Policy and keeps T through execute and compose', () => {
    expectTypeOf(breaker).toMatchTypeOf<Policy>();
    expectTypeOf(breaker.execute(async () => ({ id: 1 as const }))).toEqualTypeOf<Promise<{ id: 1 }>>();
    expectTypeOf(compose(breaker, breaker).execute(() => 'x')).toEqualTypeOf<Promise<string>>();
  });

  it('controls and events are typed', () => {
    expectTypeOf(breaker.state).toEqualTypeOf<CircuitState>();
    expectTypeOf(breaker.tryAcquire()).toEqualTypeOf<Permit | undefined>();
    expectTypeOf(breaker.isolate()).toEqualTypeOf<Disposer>();
    expectTypeOf(breaker.toJSON()).toEqualTypeOf<CircuitBreakerSnapshot>();
    expectTypeOf(breaker.onOpen).parameter(0).parameter(0).toEqualTypeOf<OpenEvent>();
  });

  it('halfOpenAfter takes ms or core Backoff', () => {
    circuitBreaker({ halfOpenAfter: 1_000 });
    circuitBreaker({ halfOpenAfter: (attempt, previous, random) => attempt * previous * random() });
    // @ts-expect-error a string is not a duration
    circuitBreaker({ halfOpenAfter: '1s' });
  });

  it('the guard narrows to CircuitOpenError', () => {
    const error: unknown = undefined;
    if (isCircuitOpenError(error)) {
      expectTypeOf(error.code).toEqualTypeOf<'SENTINEL_CIRCUIT_OPEN'>();
      expectTypeOf(error.state).toEqualTypeOf<RejectingState>();
      expectTypeOf(error.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
  });

  it('breakerGroup keys are typed', () => {
    const group = breakerGroup({ create: (_key: URL) => circuitBreaker() });
    expectTypeOf(group).toEqualTypeOf<BreakerGroup<URL>>();
    expectTypeOf(group.get).parameter(0).toEqualTypeOf<URL>();
    expectTypeOf<ReturnType<typeof group.get>>().toEqualTypeOf<CircuitBreaker>();
  });
});
