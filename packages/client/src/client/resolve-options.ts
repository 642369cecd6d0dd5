import { type Clock, optionChecker, type Policy, systemClock, systemWallClock, type WallClock } from '@sentinel/core';
import { isValidHeaderName } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import type { InvalidRequestError } from '../errors.ts';
import { BreakerResolver, isBreakerSource } from '../policies/pipeline.ts';
import { prepareHeaders } from '../request/prepare.ts';
import { type ClientOptions, POLICY_OPTION_KEYS, type Timeouts } from './options.ts';

export interface ResolvedTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyIdleMs: number;
  readonly totalMs: number;
}

export interface ResolvedClientOptions {
  readonly baseUrl: URL | undefined;
  readonly allowAbsoluteUrls: boolean;
  readonly headers: [string, string][];
  readonly dispatcher: Dispatcher | undefined;
  readonly connections: number;
  readonly pipelining: number;
  readonly dnsCache: boolean;
  readonly timeouts: ResolvedTimeouts;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly allowHttpsToHttp: boolean;
  readonly sensitiveHeaders: readonly string[];
  readonly throwOnHttpError: boolean;
  readonly retry: Policy | undefined;
  readonly hedge: Policy | undefined;
  readonly breakers: BreakerResolver | undefined;
  readonly rateLimit: Policy | undefined;
  readonly policies: readonly Policy[];
  readonly maxRetryAfterMs: number;
  readonly idempotencyKey: boolean;
  readonly idempotencyKeyHeader: string;
  readonly clock: Clock;
  readonly wallClock: WallClock;
  readonly trace: boolean;
}

const KNOWN: readonly (keyof ClientOptions)[] = [
  ...POLICY_OPTION_KEYS,
  'hedge',
  'baseUrl',
  'allowAbsoluteUrls',
  'headers',
  'dispatcher',
  'connections',
  'pipelining',
  'dnsCache',
  'timeouts',
  'maxResponseBytes',
  'maxRedirects',
  'allowHttpsToHttp',
  'sensitiveHeaders',
  'throwOnHttpError',
  'idempotencyKey',
  'clock',
  'trace',
];

export const DEFAULT_TIMEOUTS: ResolvedTimeouts = Object.freeze({
  connectMs: 10_000,
  headersMs: 30_000,
  bodyIdleMs: 30_000,
  totalMs: 60_000,
});

const MAX_TIMER = 2_147_483_647;

/** Validates phase timeouts (finite, > 0) over `base`. */
export function resolveTimeouts(
  owner: string,
  value: Timeouts | undefined,
  base: ResolvedTimeouts,
  allowConnect = true,
): ResolvedTimeouts {
  const check = optionChecker(owner);
  const t = check.options(
    value,
    allowConnect ? ['connectMs', 'headersMs', 'bodyIdleMs', 'totalMs'] : ['headersMs', 'bodyIdleMs', 'totalMs'],
  );
  const rule = { greaterThan: 0, max: MAX_TIMER };
  return {
    connectMs: check.number('timeouts.connectMs', t.connectMs, rule, base.connectMs),
    headersMs: check.number('timeouts.headersMs', t.headersMs, rule, base.headersMs),
    bodyIdleMs: check.number('timeouts.bodyIdleMs', t.bodyIdleMs, rule, base.bodyIdleMs),
    totalMs: check.number('timeouts.totalMs', t.totalMs, rule, base.totalMs),
  };
}

function policy(check: ReturnType<typeof optionChecker>, name: string, value: unknown): Policy | undefined {
  if (value === undefined) return undefined;
  if (typeof (value as Partial<Policy> | null)?.execute !== 'function') {
    check.fail(name, value, 'a policy (an object with an execute method)');
  }
  return value as Policy;
}

export function resolveClientOptions(options: ClientOptions | undefined): ResolvedClientOptions {
  const check = optionChecker('createClient');
  const opts = check.options(options, KNOWN as string[]);
  const baseUrl = opts.baseUrl === undefined ? undefined : parseBase(check, opts.baseUrl);
  let headers: [string, string][] = [];
  try {
    headers = prepareHeaders('GET', [], opts.headers);
  } catch (error) {
    check.fail('headers', opts.headers, `headers without CR, LF or NUL (${(error as InvalidRequestError).message})`);
  }
  if (!headers.some(([name]) => name === 'accept-encoding')) headers.push(['accept-encoding', 'gzip, deflate, br']);
  if (opts.dispatcher !== undefined && typeof (opts.dispatcher as Partial<Dispatcher>).request !== 'function') {
    check.fail('dispatcher', opts.dispatcher, 'an undici Dispatcher');
  }
  if (opts.breaker !== undefined && !isBreakerSource(opts.breaker)) {
    check.fail('breaker', opts.breaker, 'a policy, a factory (origin) => policy, or a group with get(origin)');
  }
  const sensitive = opts.sensitiveHeaders ?? [];
  if (!Array.isArray(sensitive) || !sensitive.every((n) => typeof n === 'string' && isValidHeaderName(n))) {
    check.fail('sensitiveHeaders', sensitive, 'an array of header names');
  }
  const extra = opts.policies ?? [];
  if (!Array.isArray(extra)) check.fail('policies', extra, 'an array of policies');
  const keyHeader = opts.idempotencyKeyHeader ?? 'idempotency-key';
  if (typeof keyHeader !== 'string' || !isValidHeaderName(keyHeader)) {
    check.fail('idempotencyKeyHeader', keyHeader, 'a header name');
  }
  return {
    baseUrl,
    allowAbsoluteUrls: check.boolean('allowAbsoluteUrls', opts.allowAbsoluteUrls, false),
    headers,
    dispatcher: opts.dispatcher,
    connections: check.integer('connections', opts.connections, { min: 1 }, 10),
    pipelining: check.integer('pipelining', opts.pipelining, { min: 0 }, 1),
    dnsCache: check.boolean('dnsCache', opts.dnsCache, true),
    timeouts: resolveTimeouts('createClient', opts.timeouts, DEFAULT_TIMEOUTS),
    maxResponseBytes: check.integer('maxResponseBytes', opts.maxResponseBytes, { min: 0 }, 10 * 1024 * 1024),
    maxRedirects: check.integer('maxRedirects', opts.maxRedirects, { min: 0, max: 100 }, 10),
    allowHttpsToHttp: check.boolean('allowHttpsToHttp', opts.allowHttpsToHttp, false),
    sensitiveHeaders: sensitive.map((n) => n.toLowerCase()),
    throwOnHttpError: check.boolean('throwOnHttpError', opts.throwOnHttpError, true),
    retry: policy(check, 'retry', opts.retry),
    hedge: policy(check, 'hedge', opts.hedge),
    breakers:
      opts.breaker === undefined
        ? undefined
        : new BreakerResolver(opts.breaker, check.integer('maxBreakers', opts.maxBreakers, { min: 1 }, 256)),
    rateLimit: policy(check, 'rateLimit', opts.rateLimit),
    policies: extra.map((p, i) => policy(check, `policies[${i}]`, p) as Policy),
    maxRetryAfterMs: check.duration('maxRetryAfterMs', opts.maxRetryAfterMs, {}, 60_000),
    idempotencyKey: check.boolean('idempotencyKey', opts.idempotencyKey, false),
    idempotencyKeyHeader: keyHeader.toLowerCase(),
    clock: opts.clock ?? systemClock,
    wallClock: check.function<WallClock>('wallClock', opts.wallClock, systemWallClock),
    trace: check.boolean('trace', opts.trace, false),
  };
}

// The workers of a pool usually get the same baseUrl: they share its parsed URL (which a client
// only reads) instead of holding one URL object each, a few hundred bytes of every worker's heap.
const parsedBases = new Map<string, URL>();
const PARSED_BASES_MAX = 64;

function parseBase(check: ReturnType<typeof optionChecker>, value: string | URL): URL {
  const key = typeof value === 'string' ? value : undefined;
  const known = key === undefined ? undefined : parsedBases.get(key);
  if (known !== undefined) return known;
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // Reported below.
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return check.fail('baseUrl', value, 'an absolute http or https URL');
  }
  url.search = '';
  url.hash = '';
  if (key !== undefined) {
    if (parsedBases.size >= PARSED_BASES_MAX) parsedBases.clear();
    parsedBases.set(key, url);
  }
  return url;
}
