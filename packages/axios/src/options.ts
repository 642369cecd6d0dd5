import { type Policy, pipeline } from '@sentinel/core';
import type { AdapterOptions } from '@sentinel/http/adapter';
// Loads axios's types so the module augmentation below has something to augment.
import type {} from 'axios';

/** Options of {@link withSentinel}: the shared Sentinel adapter options (policy layers and request safety). */
export type SentinelAxiosOptions = AdapterOptions;

/** Per-request overrides, as `config.sentinel`. */
export type SentinelRequestConfig =
  | false
  | {
      /** Treat this request as safe to send more than once (it is idempotent on the server). */
      readonly idempotent?: boolean | undefined;
      /** This request's retry instead of the instance's; `false` leaves it out. */
      readonly retry?: Policy | false | undefined;
      /** This request's breaker instead of the instance's; `false` leaves it out. */
      readonly breaker?: Policy | false | undefined;
      /** This request's rate limiter instead of the instance's; `false` leaves it out. */
      readonly rateLimit?: Policy | false | undefined;
      /** This request's per-attempt timeout instead of the instance's; `false` leaves it out. */
      readonly timeout?: number | Policy | false | undefined;
    };

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Sentinel overrides for this request (`@sentinel/axios`): `false` sends it past every policy;
     * an object replaces single layers or declares the request idempotent.
     */
    sentinel?: SentinelRequestConfig | undefined;
  }
}

const LAYERS = ['retry', 'breaker', 'rateLimit', 'timeout'] as const;

/** Whether a request's overrides replace any layer (otherwise the instance's pipeline is reused). */
export function replacesLayers(request: Exclude<SentinelRequestConfig, false>): boolean {
  return LAYERS.some((name) => request[name] !== undefined);
}

/** The pipeline for one request with overrides: each layer from the request, else the instance's. */
export function overriddenStack(base: AdapterOptions, request: Exclude<SentinelRequestConfig, false>): Policy {
  const pick = <V>(own: V | false | undefined, inherited: V | undefined): V | undefined =>
    own === false ? undefined : (own ?? inherited);
  return pipeline({
    retry: pick(request.retry, base.retry),
    breaker: pick(request.breaker, base.breaker),
    rateLimit: pick(request.rateLimit, base.rateLimit),
    policies: base.policies,
    timeout: pick(request.timeout, base.timeout),
    clock: base.clock,
  });
}
