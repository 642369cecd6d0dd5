import type { Policy } from '@sentinel/core';
import axios from 'axios';
import { describe, expectTypeOf, it } from 'vitest';
import { type SentinelAxiosHandle, withSentinel } from './index.ts';

declare const policy: Policy;

describe('types', () => {
  it('config.sentinel is typed on every axios call', () => {
    const client = axios.create();
    void client.get('/x', { sentinel: false });
    void client.post('/x', {}, { sentinel: { idempotent: true, retry: false, timeout: 500 } });
    void client.request({ url: '/x', sentinel: { breaker: policy } });
    // @ts-expect-error -- a number is not a policy
    void client.get('/x', { sentinel: { retry: 3 } });
    // @ts-expect-error -- unknown override
    void client.get('/x', { sentinel: { retries: 3 } });
  });

  it('withSentinel returns a callable, disposable handle', () => {
    const handle = withSentinel(axios.create(), { retry: policy, timeout: 1_000 });
    expectTypeOf(handle).toEqualTypeOf<SentinelAxiosHandle>();
    expectTypeOf(handle()).toEqualTypeOf<void>();
  });
});
