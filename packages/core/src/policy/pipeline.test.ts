import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/manual-clock.ts';
import { timeout } from '../timeout/timeout.ts';
import { compose } from './compose.ts';
import { pipeline } from './pipeline.ts';
import type { ExecuteOptions, Operation, Policy } from './policy.ts';

function named(name: string, log: string[]): Policy {
  return {
    async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
      log.push(name);
      return fn({ signal: options?.signal ?? new AbortController().signal, attempt: options?.attempt ?? 1 });
    },
  };
}

describe('pipeline', () => {
  it('layers retry → breaker → rate limit → policies → timeout, whatever order the options are written in', async () => {
    const log: string[] = [];
    const retry = named('retry', log);
    const breaker = named('breaker', log);
    const rateLimit = named('rateLimit', log);
    const extra = [named('bulkhead', log), named('chaos', log)];
    const deadline = timeout({ ms: 100, clock: new ManualClock() });
    const stack = pipeline({ timeout: deadline, policies: extra, rateLimit, breaker, retry });
    expect(stack.policies).toEqual([retry, breaker, rateLimit, ...extra, deadline]);
    await stack.execute(() => log.push('work'));
    expect(log).toEqual(['retry', 'breaker', 'rateLimit', 'bulkhead', 'chaos', 'work']);
  });

  it('puts a hedge inside the retry and outside the breaker and the limiter', async () => {
    const log: string[] = [];
    const [retry, hedge, breaker, rateLimit] = ['retry', 'hedge', 'breaker', 'rateLimit'].map((n) => named(n, log));
    const stack = pipeline({ rateLimit, breaker, hedge, retry } as Parameters<typeof pipeline>[0]);
    expect(stack.policies).toEqual([retry, hedge, breaker, rateLimit]);
    await stack.execute(() => log.push('work'));
    expect(log).toEqual(['retry', 'hedge', 'breaker', 'rateLimit', 'work']);
    expect(() => pipeline({ hedge: 1 as never })).toThrow('pipeline: "hedge" must be a policy');
  });

  it('skips the layers left out, and with none runs the work as it is', async () => {
    const breaker = named('breaker', []);
    expect(pipeline({ breaker }).policies).toEqual([breaker]);
    expect(pipeline().policies).toEqual([]);
    expect(await pipeline().execute(() => 'done')).toBe('done');
  });

  it('turns a timeout in milliseconds into a per-attempt timeout on the given clock', async () => {
    const clock = new ManualClock();
    const stack = pipeline({ timeout: 50, clock });
    const running = stack.execute(() => new Promise(() => {})).catch((e: Error) => e.name);
    await clock.advance(50);
    expect(await running).toBe('TimeoutError');
  });

  it('refuses layers that are not policies, and bad timeouts, naming the option', () => {
    expect(() => pipeline({ retry: {} as Policy })).toThrow('pipeline: "retry" must be a policy');
    expect(() => pipeline({ policies: [compose(), 5 as never] })).toThrow('pipeline: "policies[1]" must be a policy');
    expect(() => pipeline({ policies: {} as never })).toThrow('"policies" must be an array of policies');
    expect(() => pipeline({ timeout: -1 })).toThrow('timeout: "ms" must be a finite number > 0');
    expect(() => pipeline({ retries: 3 } as never)).toThrow('pipeline: "retries" must be one of the known options');
  });
});
