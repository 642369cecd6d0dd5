import { type Backoff, equalJitter, exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type BreakerSource, type Client, type ClientOptions, createClient } from '@sentinel/client';
import type { Clock, Policy, Random } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import type { Preset } from '../presets/presets.ts';
import { type ResilientClientOptions, resolveResilientOptions } from '../presets/resolve-preset.ts';

/** The layers one client gets: built anew on every call, never shared. */
export interface PresetPolicies {
  readonly retry: Policy | undefined;
  readonly breaker: BreakerSource | undefined;
  readonly rateLimit: Policy | undefined;
}

function backoffOf(knobs: Preset['retry']): Backoff {
  const shape = exponential({ initialMs: knobs.baseDelayMs, factor: knobs.factor, maxMs: knobs.maxDelayMs });
  if (knobs.jitter === 'full') return fullJitter(shape);
  if (knobs.jitter === 'equal') return equalJitter(shape);
  return shape;
}

/**
 * Builds the retry, breaker factory and limiter a preset describes. Each call returns new
 * objects (the breaker is a factory, so every origin of every client gets its own breaker).
 */
export function buildPresetPolicies(
  settings: Preset,
  clock: Clock | undefined,
  random: Random | undefined,
): PresetPolicies {
  const time = clock === undefined ? {} : { clock };
  const { retry: r, breaker: b, rateLimit: l } = settings;
  return {
    retry:
      r.maxAttempts > 1
        ? retry({
            maxAttempts: r.maxAttempts,
            backoff: backoffOf(r),
            maxRetryAfterMs: settings.maxRetryAfterMs,
            ...time,
            ...(random === undefined ? {} : { random }),
          })
        : undefined,
    breaker:
      b === false
        ? undefined
        : () =>
            circuitBreaker({
              trigger: consecutive({ threshold: b.consecutiveFailures }),
              halfOpenAfter: b.halfOpenAfterMs,
              ...time,
            }),
    rateLimit:
      l === false
        ? undefined
        : rateLimit({
            limiter: tokenBucket({ capacity: l.burst, refillPerSecond: l.requestsPerSecond, ...time }),
            maxWaitMs: l.maxWaitMs,
          }),
  };
}

/**
 * A `@sentinel/client` client wired from a preset: retry → per-origin breaker → rate limit →
 * phase timeouts, built fresh for this call (two clients never share a policy: the
 * client-per-worker rule). Any preset knob or `createClient` option can be overridden, and
 * `retry` / `breaker` / `rateLimit` also take your own policies.
 *
 * @example
 * await using api = createResilientClient({ preset: 'hft', baseUrl: 'http://127.0.0.1:8080' });
 * const quote = await api.get('/quote').then((r) => r.json());
 *
 * @throws ConfigError for an unknown preset, knob or option (the message lists the valid ones),
 *   or a knob value out of range.
 */
export function createResilientClient(options: ResilientClientOptions = {}): Client {
  return createClient(resilientClientOptions(options));
}

/**
 * The `createClient` options `createResilientClient` would use: the preset's policies built
 * fresh, the overrides applied. For tools that create the client themselves (`loadTest`'s
 * `clientOptions`), so they can watch the breakers as they are made.
 */
export function resilientClientOptions(options: ResilientClientOptions = {}): ClientOptions {
  const { settings, custom, client, random } = resolveResilientOptions(options);
  const built = buildPresetPolicies(settings, client.clock, random);
  const retryPolicy = custom.retry ?? built.retry;
  const breaker = custom.breaker ?? built.breaker;
  const limiter = custom.rateLimit ?? built.rateLimit;
  return {
    ...client,
    ...(retryPolicy === undefined ? {} : { retry: retryPolicy }),
    ...(breaker === undefined ? {} : { breaker }),
    ...(limiter === undefined ? {} : { rateLimit: limiter }),
    timeouts: settings.timeouts,
    connections: settings.connections,
    maxRetryAfterMs: settings.maxRetryAfterMs,
  };
}

export type { ResilientClientOptions };
