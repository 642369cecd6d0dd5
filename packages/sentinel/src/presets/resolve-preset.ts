import type { BreakerSource, ClientOptions } from '@sentinel/client';
import { type OptionChecker, optionChecker, type Policy, type Random } from '@sentinel/core';
import {
  BREAKER_DEFAULTS,
  type BreakerKnobs,
  PRESET_NAMES,
  type Preset,
  type PresetName,
  presets,
  RATE_LIMIT_DEFAULTS,
  type RateLimitKnobs,
  type RetryKnobs,
  type TimeoutKnobs,
} from './presets.ts';

/**
 * Options of `createResilientClient`: a preset name, any of its knobs, and any `createClient`
 * option. `retry`, `breaker` and `rateLimit` each take either knobs (a plain object merged over
 * the preset's), `false` (none), or your own policy (used as it is).
 */
export interface ResilientClientOptions
  extends Omit<ClientOptions, 'retry' | 'breaker' | 'rateLimit' | 'timeouts' | 'maxRetryAfterMs' | 'connections'> {
  /**
   * The preset the knobs start from.
   * @default 'production'
   */
  readonly preset?: PresetName;
  /** Retry knobs over the preset's, `false` for no retry, or a retry `Policy` of your own. */
  readonly retry?: Partial<RetryKnobs> | Policy | false;
  /** Breaker knobs over the preset's, `false` for none, or a `BreakerSource` of your own. */
  readonly breaker?: Partial<BreakerKnobs> | BreakerSource | false;
  /** Rate-limit knobs (over the preset's, or `{ requestsPerSecond }` alone), `false`, or a `Policy`. */
  readonly rateLimit?: Partial<RateLimitKnobs> | Policy | false;
  /** Phase timeouts over the preset's. */
  readonly timeouts?: Partial<TimeoutKnobs>;
  /**
   * Longest Retry-After (or open breaker) waited for, in ms; see {@link Preset.maxRetryAfterMs}.
   * @default the preset's
   */
  readonly maxRetryAfterMs?: number;
  /**
   * Connections per origin of the client's own Agent.
   * @default the preset's
   */
  readonly connections?: number;
  /**
   * The jitter source of the preset's retry (tests pass a deterministic one).
   * @default systemRandom
   */
  readonly random?: Random;
}

/** What {@link resolveResilientOptions} makes of the options: the merged knobs and the rest. */
export interface ResolvedResilientOptions {
  /** The preset after the knob overrides (a plain, frozen object). */
  readonly settings: Preset;
  /** Policies given as values, which replace the knobs of their layer. */
  readonly custom: {
    readonly retry?: Policy;
    readonly breaker?: BreakerSource;
    readonly rateLimit?: Policy;
  };
  /** The `createClient` options that pass through untouched. */
  readonly client: Omit<
    ClientOptions,
    'retry' | 'breaker' | 'rateLimit' | 'timeouts' | 'maxRetryAfterMs' | 'connections'
  >;
  readonly random: Random | undefined;
}

/** `createClient` options that createResilientClient passes through as they are. */
const CLIENT_PASS_THROUGH = [
  'baseUrl',
  'allowAbsoluteUrls',
  'headers',
  'dispatcher',
  'pipelining',
  'dnsCache',
  'maxResponseBytes',
  'maxRedirects',
  'allowHttpsToHttp',
  'sensitiveHeaders',
  'throwOnHttpError',
  'idempotencyKey',
  'idempotencyKeyHeader',
  'policies',
  'maxBreakers',
  'hedge',
  'clock',
  'wallClock',
  'trace',
] as const satisfies readonly (keyof ClientOptions)[];

// A createClient option missing from the lists above fails the typecheck here, so a new client
// option cannot be silently refused by createResilientClient.
type Listed = (typeof CLIENT_PASS_THROUGH)[number] | 'retry' | 'breaker' | 'rateLimit' | 'timeouts';
type Unlisted = Exclude<keyof ClientOptions, Listed | 'maxRetryAfterMs' | 'connections'>;
const everyClientOptionListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyClientOptionListed;

const KNOBS = ['preset', 'retry', 'breaker', 'rateLimit', 'timeouts', 'maxRetryAfterMs', 'connections', 'random'];
/** Every option name createResilientClient accepts, for error messages. */
export const RESILIENT_CLIENT_OPTION_KEYS: readonly string[] = Object.freeze([...KNOBS, ...CLIENT_PASS_THROUGH]);

const RETRY_KNOBS: readonly (keyof RetryKnobs)[] = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'factor', 'jitter'];
const BREAKER_KNOBS: readonly (keyof BreakerKnobs)[] = ['consecutiveFailures', 'halfOpenAfterMs'];
const RATE_LIMIT_KNOBS: readonly (keyof RateLimitKnobs)[] = ['requestsPerSecond', 'burst', 'maxWaitMs'];
const TIMEOUT_KNOBS: readonly (keyof TimeoutKnobs)[] = ['connectMs', 'headersMs', 'bodyIdleMs', 'totalMs'];
const MAX_TIMER_MS = 2_147_483_647;

const isPolicy = (value: unknown): value is Policy => typeof (value as Partial<Policy> | null)?.execute === 'function';
const isBreakerSource = (value: unknown): value is BreakerSource => {
  const v = value as { get?: unknown; for?: unknown } | null;
  return isPolicy(value) || typeof value === 'function' || typeof v?.get === 'function' || typeof v?.for === 'function';
};
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a knob group's names: an unknown one fails naming `group.name` and listing the valid ones. */
function knobs(check: OptionChecker, group: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      check.fail(`${group}.${key}`, value[key], `one of the ${group} knobs (${known.join(', ')})`);
    }
  }
}

function retryKnobs(check: OptionChecker, base: RetryKnobs, value: Record<string, unknown>): RetryKnobs {
  knobs(check, 'retry', value, RETRY_KNOBS);
  const v = { ...base, ...value };
  const baseDelayMs = check.duration('retry.baseDelayMs', v.baseDelayMs, { max: MAX_TIMER_MS });
  return {
    maxAttempts: check.integer('retry.maxAttempts', v.maxAttempts, { min: 1, max: 1_000 }),
    baseDelayMs,
    maxDelayMs: check.duration('retry.maxDelayMs', v.maxDelayMs, { min: baseDelayMs, max: MAX_TIMER_MS }),
    factor: check.number('retry.factor', v.factor, { min: 1, max: 1_000 }),
    jitter: check.oneOf('retry.jitter', v.jitter, ['full', 'equal', 'none']),
  };
}

function breakerKnobs(check: OptionChecker, base: BreakerKnobs, value: Record<string, unknown>): BreakerKnobs {
  knobs(check, 'breaker', value, BREAKER_KNOBS);
  const v = { ...base, ...value };
  return {
    consecutiveFailures: check.integer('breaker.consecutiveFailures', v.consecutiveFailures, { min: 1 }),
    halfOpenAfterMs: check.duration('breaker.halfOpenAfterMs', v.halfOpenAfterMs, {
      greaterThan: 0,
      max: MAX_TIMER_MS,
    }),
  };
}

function rateLimitKnobs(
  check: OptionChecker,
  base: RateLimitKnobs | false,
  value: Record<string, unknown>,
): RateLimitKnobs {
  knobs(check, 'rateLimit', value, RATE_LIMIT_KNOBS);
  const start: Partial<RateLimitKnobs> = base === false ? RATE_LIMIT_DEFAULTS : base;
  const v: Record<string, unknown> = { ...start, ...value };
  const requestsPerSecond = check.number('rateLimit.requestsPerSecond', v.requestsPerSecond, { greaterThan: 0 });
  return {
    requestsPerSecond,
    // Without a burst of its own, a new limit holds one second's worth (at least one token).
    burst: check.number('rateLimit.burst', v.burst, { min: 1 }, Math.max(1, requestsPerSecond)),
    maxWaitMs: check.duration('rateLimit.maxWaitMs', v.maxWaitMs, { max: MAX_TIMER_MS }),
  };
}

function timeoutKnobs(check: OptionChecker, base: TimeoutKnobs, value: unknown): TimeoutKnobs {
  if (value === undefined) return base;
  if (!isPlainObject(value)) return check.fail('timeouts', value, 'an object of phase timeouts in ms');
  knobs(check, 'timeouts', value, TIMEOUT_KNOBS);
  const v = { ...base, ...value };
  const rule = { greaterThan: 0, max: MAX_TIMER_MS };
  return {
    connectMs: check.number('timeouts.connectMs', v.connectMs, rule),
    headersMs: check.number('timeouts.headersMs', v.headersMs, rule),
    bodyIdleMs: check.number('timeouts.bodyIdleMs', v.bodyIdleMs, rule),
    totalMs: check.number('timeouts.totalMs', v.totalMs, rule),
  };
}

/**
 * Validates createResilientClient's options and merges the knob overrides over the preset.
 * Throws a `ConfigError` (owner `createResilientClient`) naming the bad option and listing the
 * valid presets or knobs.
 */
export function resolveResilientOptions(
  options: ResilientClientOptions | undefined,
  owner = 'createResilientClient',
): ResolvedResilientOptions {
  const check = optionChecker(owner);
  const opts = check.options(options, RESILIENT_CLIENT_OPTION_KEYS) as Partial<ResilientClientOptions>;
  const name = check.oneOf('preset', opts.preset, PRESET_NAMES, 'production');
  const preset = presets[name];
  const custom: { retry?: Policy; breaker?: BreakerSource; rateLimit?: Policy } = {};

  let retry = preset.retry;
  if (opts.retry === false) retry = { ...retry, maxAttempts: 1 };
  else if (isPolicy(opts.retry)) custom.retry = opts.retry;
  else if (isPlainObject(opts.retry)) retry = retryKnobs(check, preset.retry, opts.retry);
  else if (opts.retry !== undefined) check.fail('retry', opts.retry, 'retry knobs, false, or a policy');

  let breaker = preset.breaker;
  if (opts.breaker === false) breaker = false;
  else if (isBreakerSource(opts.breaker)) custom.breaker = opts.breaker;
  else if (isPlainObject(opts.breaker)) breaker = breakerKnobs(check, preset.breaker || BREAKER_DEFAULTS, opts.breaker);
  else if (opts.breaker !== undefined) check.fail('breaker', opts.breaker, 'breaker knobs, false, or a breaker source');

  let rateLimit = preset.rateLimit;
  if (opts.rateLimit === false) rateLimit = false;
  else if (isPolicy(opts.rateLimit)) custom.rateLimit = opts.rateLimit;
  else if (isPlainObject(opts.rateLimit)) rateLimit = rateLimitKnobs(check, preset.rateLimit, opts.rateLimit);
  else if (opts.rateLimit !== undefined) {
    check.fail('rateLimit', opts.rateLimit, 'rate-limit knobs, false, or a policy');
  }

  const settings: Preset = {
    name,
    retry,
    maxRetryAfterMs: check.duration(
      'maxRetryAfterMs',
      opts.maxRetryAfterMs,
      { max: MAX_TIMER_MS },
      preset.maxRetryAfterMs,
    ),
    breaker,
    rateLimit,
    timeouts: timeoutKnobs(check, preset.timeouts, opts.timeouts),
    connections: check.integer('connections', opts.connections, { min: 1 }, preset.connections),
  };
  const client: Record<string, unknown> = {};
  for (const key of CLIENT_PASS_THROUGH) if (opts[key] !== undefined) client[key] = opts[key];
  return {
    settings: freezeSettings(settings),
    custom,
    client,
    random: opts.random === undefined ? undefined : check.random('random', opts.random),
  };
}

function freezeSettings(settings: Preset): Preset {
  Object.freeze(settings.retry);
  if (settings.breaker) Object.freeze(settings.breaker);
  if (settings.rateLimit) Object.freeze(settings.rateLimit);
  Object.freeze(settings.timeouts);
  return Object.freeze(settings);
}
