import { contextFor, isAborted } from '../context/context.ts';
import { ConfigError } from '../errors/errors.ts';
import type { ExecuteOptions, ExecutionContext, Operation, Policy } from './policy.ts';

/** A policy made of others, outermost first; `policies` keeps the order visible to tests and tools. */
export interface ComposedPolicy extends Policy {
  readonly policies: readonly Policy[];
}

/**
 * Nests policies, the first outermost: `compose(retry, breaker, limiter).execute(fn)` runs
 * `retry.execute(ctx => breaker.execute(ctx => limiter.execute(fn, ctx), ctx))`. Each policy's
 * context (its signal and attempt) is handed to the next one, so an abort or a timeout reaches
 * the innermost work, and the attempt number a retry sets reaches `fn`. `compose()` with no
 * policies runs `fn` as it is. An already-aborted signal rejects with its reason and runs
 * nothing, whatever the policies.
 *
 * @throws ConfigError when an argument is not a policy (an object with an `execute` method).
 */
export function compose(...policies: Policy[]): ComposedPolicy {
  policies.forEach((policy, index) => {
    if (typeof (policy as Partial<Policy> | null)?.execute !== 'function') {
      throw new ConfigError({
        owner: 'compose',
        option: `policies[${index}]`,
        value: policy,
        expected: 'a policy (an object with an execute method)',
      });
    }
  });
  return new Composition(Object.freeze(policies.slice()));
}

class Composition implements ComposedPolicy {
  readonly policies: readonly Policy[];

  constructor(policies: readonly Policy[]) {
    this.policies = policies;
  }

  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    // Refused here too, so the contract holds whatever the policies are (a hand-written one may
    // not check) and an empty composition does not run the work.
    if (isAborted(options)) return Promise.reject(options.signal.reason);
    const policies = this.policies;
    const last = policies.length - 1;
    if (last < 0) return runOperation(fn, contextFor(options));
    // One closure per layer and call; each layer's context becomes the next layer's options.
    const layer =
      (index: number): Operation<T> =>
      (context: ExecutionContext) =>
        index > last ? fn(context) : (policies[index] as Policy).execute(layer(index + 1), context);
    return (policies[0] as Policy).execute(layer(1), options);
  }
}

/**
 * Runs `fn` with `context` and always returns a promise: a synchronous throw becomes a rejection,
 * so callers handle one failure path.
 */
export function runOperation<T>(fn: Operation<T>, context: ExecutionContext): Promise<T> {
  try {
    return Promise.resolve(fn(context));
  } catch (error) {
    return Promise.reject(error);
  }
}
