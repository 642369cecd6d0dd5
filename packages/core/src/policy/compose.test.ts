import { describe, expect, it } from 'vitest';
import { AttemptScope, contextFor } from '../context/context.ts';
import { isConfigError } from '../errors/errors.ts';
import { compose, runOperation } from './compose.ts';
import type { ExecuteOptions, ExecutionContext, Operation, Policy } from './policy.ts';

/** A policy that logs when it enters and leaves. */
function tracing(name: string, log: string[]): Policy {
  return {
    async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
      log.push(`enter ${name}`);
      try {
        return await fn(contextFor(options));
      } finally {
        log.push(`leave ${name}`);
      }
    },
  };
}

/** A retry-like policy that runs fn in a new scope with attempt `n`. */
function asAttempt(n: number): Policy {
  return {
    execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
      return runOperation(fn, new AttemptScope(options, n));
    },
  };
}

describe('compose', () => {
  it('nests policies with the first outermost', async () => {
    const log: string[] = [];
    const policy = compose(tracing('a', log), tracing('b', log), tracing('c', log));
    const result = await policy.execute(() => {
      log.push('fn');
      return 42;
    });
    expect(result).toBe(42);
    expect(log).toEqual(['enter a', 'enter b', 'enter c', 'fn', 'leave c', 'leave b', 'leave a']);
  });

  it('exposes its policies in order, frozen', () => {
    const a = tracing('a', []);
    const b = tracing('b', []);
    const policy = compose(a, b);
    expect(policy.policies).toEqual([a, b]);
    expect(Object.isFrozen(policy.policies)).toBe(true);
  });

  it('with no policies runs fn directly, turning a sync throw into a rejection', async () => {
    const empty = compose();
    expect(await empty.execute((ctx) => ctx.attempt)).toBe(1);
    const boom = new Error('boom');
    await expect(
      empty.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('hands the caller signal to the innermost work', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await compose(tracing('a', []), tracing('b', [])).execute(
      (ctx) => {
        seen = ctx.signal;
      },
      { signal: controller.signal },
    );
    expect(seen).toBe(controller.signal);
  });

  it('an abort of the caller reaches the work through scopes that derive signals', async () => {
    const controller = new AbortController();
    let inner: ExecutionContext | undefined;
    const running = compose(asAttempt(2), tracing('b', [])).execute(
      (ctx) => {
        inner = ctx;
        return new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      },
      { signal: controller.signal },
    );
    const reason = new Error('user navigated away');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(inner?.signal).not.toBe(controller.signal);
    expect(inner?.signal.reason).toBe(reason);
  });

  it('carries the attempt number set by an outer policy through inner ones', async () => {
    const attempts: number[] = [];
    await compose(asAttempt(3), tracing('b', []), tracing('c', [])).execute((ctx) => {
      attempts.push(ctx.attempt);
    });
    expect(attempts).toEqual([3]);
  });

  it('a composition composes: nested compositions keep the order', async () => {
    const log: string[] = [];
    const inner = compose(tracing('b', log), tracing('c', log));
    await compose(tracing('a', log), inner).execute(() => {
      log.push('fn');
    });
    expect(log).toEqual(['enter a', 'enter b', 'enter c', 'fn', 'leave c', 'leave b', 'leave a']);
  });

  it('propagates the error the work throws, unchanged, through every layer', async () => {
    const boom = new Error('boom');
    await expect(
      compose(tracing('a', []), tracing('b', [])).execute(async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('refuses something that is not a policy, naming its position', () => {
    const error = (() => {
      try {
        compose(tracing('a', []), {} as Policy);
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'compose: "policies[1]" must be a policy (an object with an execute method); received an object (Object)',
    );
    expect(() => compose(null as unknown as Policy)).toThrow(/policies\[0\]/);
  });
});
