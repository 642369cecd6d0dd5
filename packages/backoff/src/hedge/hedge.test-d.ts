import { compose, type Policy, timeout } from '@sentinel/core';
import { expectTypeOf } from 'vitest';
import { retry } from '../retry/retry.ts';
import { exponential } from '../schedules/shapes.ts';
import type { HedgeEvent } from './events.ts';
import { type HedgePolicy, hedge } from './hedge.ts';

const policy = retry({ maxAttempts: 3 });
// A hedge keeps T, alone and composed; any schedule is a delay function.
const hedged = hedge({ delayMs: exponential({ initialMs: 10 }), maxHedges: 2 });
expectTypeOf(hedged).toMatchTypeOf<Policy>();
expectTypeOf(hedge({ delayMs: { percentile: 95 } })).toEqualTypeOf<HedgePolicy>();
expectTypeOf(hedged.execute(async () => ({ id: 1 }))).toEqualTypeOf<Promise<{ id: number }>>();
expectTypeOf(compose(policy, hedged, timeout({ ms: 100 })).execute(() => 'x')).toEqualTypeOf<Promise<string>>();
hedged.onHedge((event) => {
  expectTypeOf(event).toEqualTypeOf<HedgeEvent>();
  expectTypeOf(event.reason).toEqualTypeOf<'delay' | 'failure'>();
});
// @ts-expect-error delayMs is required
hedge({ maxHedges: 1 });
// @ts-expect-error a percentile delay needs its percentile
hedge({ delayMs: { window: 100 } });
