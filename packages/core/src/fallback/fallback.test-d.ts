import { describe, expectTypeOf, it } from 'vitest';
import { compose } from '../policy/compose.ts';
import type { Policy } from '../policy/policy.ts';
import { timeout } from '../timeout/timeout.ts';
import { type FallbackPolicy, fallback } from './fallback.ts';

describe('fallback types', () => {
  it('keeps T and adds the fallback’s type; it composes as a Policy', () => {
    const same = fallback({ fallback: () => 0 });
    expectTypeOf(same).toEqualTypeOf<FallbackPolicy<number>>();
    expectTypeOf(same.execute(async () => 42)).toEqualTypeOf<Promise<number>>();
    const other = fallback({ fallback: async () => 'n/a' as const });
    expectTypeOf(other.execute(async () => ({ id: 1 }))).toEqualTypeOf<Promise<{ id: number } | 'n/a'>>();
    expectTypeOf(other).toMatchTypeOf<Policy>();
    expectTypeOf(compose(same, timeout({ ms: 10 })).execute(() => 1)).toEqualTypeOf<Promise<number>>();
    // @ts-expect-error the fallback is a function, not a value
    fallback({ fallback: 0 });
  });
});
