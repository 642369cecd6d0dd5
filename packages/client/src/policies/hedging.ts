import { type Policy, pipeline } from '@sentinel/core';
import type { RequestOptions } from '../client/options.ts';
import type { ResolvedClientOptions } from '../client/resolve-options.ts';
import { InvalidRequestError } from '../errors.ts';
import { tracedHedge } from './hedge-trace.ts';

/**
 * The hedge for one request: the request's own (`false` for none) or the client's, and only for a
 * request that may be repeated — a hedge sends it several times at once.
 * @throws InvalidRequestError for a per-request hedge that is not a policy, or on a request that may not be repeated.
 */
export function hedgeFor(
  option: RequestOptions['hedge'],
  repeatable: boolean,
  clientHedge: Policy | undefined,
): Policy | undefined {
  if (option === undefined) return repeatable ? clientHedge : undefined;
  if (option === false) return undefined;
  if (typeof (option as Partial<Policy> | null)?.execute !== 'function') {
    throw new InvalidRequestError('options', 'the hedge option must be a policy or false');
  }
  if (!repeatable) {
    throw new InvalidRequestError(
      'options',
      'only a request that may be repeated can be hedged: an idempotent method, or an idempotency key, with a replayable body',
    );
  }
  return option;
}

/**
 * The pipelines of hedged requests, cached weakly by hedge, then by breaker (the hedge itself
 * stands for "no breaker"): a hedge per request or a breaker a group recreates gets its own.
 * The order is retry → hedge → breaker → rate limit → policies: inside the retry, outside the
 * breaker and the limiter, so every hedged attempt takes a permit and is judged by the breaker.
 * The hedge is watched for the decision trace (see {@link tracedHedge}).
 */
export class HedgedPipelines {
  readonly #cache = new WeakMap<Policy, WeakMap<Policy, Policy>>();

  get(hedge: Policy, breaker: Policy | undefined, o: ResolvedClientOptions): Policy {
    let byBreaker = this.#cache.get(hedge);
    if (byBreaker === undefined) {
      byBreaker = new WeakMap();
      this.#cache.set(hedge, byBreaker);
    }
    let composed = byBreaker.get(breaker ?? hedge);
    if (composed === undefined) {
      composed = pipeline({
        retry: o.retry,
        hedge: tracedHedge(hedge, o.clock),
        breaker,
        rateLimit: o.rateLimit,
        policies: o.policies,
      });
      byBreaker.set(breaker ?? hedge, composed);
    }
    return composed;
  }
}
