import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { hasForbiddenChars, isIdempotentMethod } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { InvalidRequestError } from '../errors.ts';
import { describeType, prepareBody, prepareHeaders } from '../request/prepare.ts';
import type { Exchange } from '../transport/transport.ts';
import type { RequestOptions } from './options.ts';
import { type ResolvedClientOptions, resolveTimeouts } from './resolve-options.ts';

const REQUEST_KEYS = new Set([
  'headers',
  'query',
  'body',
  'json',
  'signal',
  'hedge',
  'timeouts',
  'stream',
  'throwOnHttpError',
  'maxResponseBytes',
  'maxRedirects',
  'idempotencyKey',
  'trace',
]);

/** A resolved URL with its origin and request path, computed once. */
export interface Target {
  readonly url: URL;
  readonly origin: string;
  readonly path: string;
}

interface MethodInfo {
  readonly upper: string;
  readonly idempotent: boolean;
}

// Clients send a handful of methods: upper-cased and classified once each (bounded). Validity is
// still checked by prepareHeaders on every request.
const methods = new Map<string, MethodInfo>();

function methodInfo(method: string): MethodInfo {
  let info = methods.get(method);
  if (info === undefined) {
    const upper = method.toUpperCase();
    info = { upper, idempotent: isIdempotentMethod(upper) };
    if (methods.size >= 64) methods.clear();
    methods.set(method, info);
  }
  return info;
}

const literalOrigins = new Map<string, boolean>();

/** Whether `origin`'s host is an IP address (cached, bounded). */
export function isLiteralOrigin(origin: string): boolean {
  let literal = literalOrigins.get(origin);
  if (literal === undefined) {
    const host = new URL(origin).hostname;
    literal = isIP(host.startsWith('[') ? host.slice(1, -1) : host) !== 0;
    if (literalOrigins.size >= 256) literalOrigins.clear();
    literalOrigins.set(origin, literal);
  }
  return literal;
}

export function target(url: URL): Target {
  return { url, origin: url.origin, path: `${url.pathname}${url.search}` };
}

/** What the client needs to run one logical request. */
export interface PreparedExchange {
  readonly exchange: Exchange;
  /** Idempotent (or keyed) with a replayable body: may be sent again. */
  readonly repeatable: boolean;
  readonly throwOnHttpError: boolean;
}

/**
 * Throws an {@link InvalidRequestError} for request options that are not an object, an unknown
 * option (a typo must not pass silently), or an option of the wrong type. `headers`, `query`,
 * `body`, `json`, `timeouts`, `hedge` and the limits are checked where they are read.
 */
export function checkRequestOptions(init: RequestOptions): void {
  if (typeof init !== 'object' || init === null || Array.isArray(init)) {
    throw new InvalidRequestError('options', `request options must be an object, not ${describeType(init)}`);
  }
  for (const key of Object.keys(init)) {
    if (!REQUEST_KEYS.has(key)) throw new InvalidRequestError('options', `unknown request option "${key}"`);
  }
  const { signal, idempotencyKey } = init;
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new InvalidRequestError('options', `the signal option must be an AbortSignal, not ${describeType(signal)}`);
  }
  flag('stream', init.stream);
  flag('throwOnHttpError', init.throwOnHttpError);
  flag('trace', init.trace);
  if (idempotencyKey !== undefined && typeof idempotencyKey !== 'boolean' && typeof idempotencyKey !== 'string') {
    throw new InvalidRequestError(
      'options',
      `the idempotencyKey option must be true, false or a string, not ${describeType(idempotencyKey)}`,
    );
  }
}

function flag(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InvalidRequestError('options', `the ${name} option must be true or false, not ${describeType(value)}`);
  }
}

// Duck-typed, as undici does: an AbortSignal from another realm (or a polyfill) is one too. This
// realm's own signals, nearly all of them, pass the instanceof check first (one prototype walk
// instead of three property reads, one of them the receiver-checking `aborted` getter).
function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    value instanceof AbortSignal ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as AbortSignal).aborted === 'boolean' &&
      typeof (value as AbortSignal).addEventListener === 'function' &&
      typeof (value as AbortSignal).removeEventListener === 'function')
  );
}

/**
 * Validates and assembles one logical request: headers (CR/LF/NUL refused), body, idempotency
 * key, timeouts and limits. Synchronous and side-effect free, so a refused request sends nothing.
 */
export function prepareExchange(
  o: ResolvedClientOptions,
  method: string,
  init: RequestOptions,
  resolved: Target,
  dispatcher: Dispatcher,
  flatDefaults: string[],
  now: number,
): PreparedExchange {
  const opts = init as RequestOptions & Record<string, unknown>;
  const { upper, idempotent } = methodInfo(method);
  let headers = prepareHeaders(upper, o.headers, init.headers);
  const wanted = init.idempotencyKey ?? (o.idempotencyKey && (upper === 'POST' || upper === 'PATCH'));
  const hasJson = 'json' in opts;
  // Copy-on-write: a request that adds nothing shares the client's default headers.
  if (headers === o.headers && (init.body !== undefined || hasJson || wanted !== false)) headers = headers.slice();
  const { body, replayable } = prepareBody(headers, init.body, init.json, hasJson);
  let key: string | undefined;
  if (typeof wanted === 'string') {
    if (wanted === '' || hasForbiddenChars(wanted)) {
      throw new InvalidRequestError('header-value', 'the idempotency key is empty or contains CR, LF or NUL');
    }
    key = wanted;
  } else if (wanted === true) key = randomUUID();
  if (key !== undefined) {
    const index = headers.findIndex(([name]) => name === o.idempotencyKeyHeader);
    if (index >= 0) headers.splice(index, 1);
    headers.push([o.idempotencyKeyHeader, key]);
  }
  const timeouts =
    init.timeouts === undefined ? o.timeouts : resolveTimeouts('request timeouts', init.timeouts, o.timeouts, false);
  const maxResponseBytes = init.maxResponseBytes ?? o.maxResponseBytes;
  const maxRedirects = init.maxRedirects ?? o.maxRedirects;
  if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 0) {
    throw new InvalidRequestError('options', 'maxResponseBytes must be an integer >= 0');
  }
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
    throw new InvalidRequestError('options', 'maxRedirects must be an integer >= 0');
  }
  const exchange: Exchange = {
    request: {
      method: upper,
      url: resolved.url,
      origin: resolved.origin,
      path: resolved.path,
      headers,
      flatHeaders: headers === o.headers ? flatDefaults : undefined,
      body,
      replayable,
    },
    dispatcher,
    clock: o.clock,
    connectMs: timeouts.connectMs,
    headersMs: timeouts.headersMs,
    bodyIdleMs: timeouts.bodyIdleMs,
    totalMs: timeouts.totalMs,
    deadline: now + timeouts.totalMs,
    maxResponseBytes,
    maxRedirects,
    allowHttpsToHttp: o.allowHttpsToHttp,
    sensitiveHeaders: o.sensitiveHeaders,
    stream: init.stream === true,
  };
  return {
    exchange,
    repeatable: replayable && (idempotent || key !== undefined),
    throwOnHttpError: init.throwOnHttpError ?? o.throwOnHttpError,
  };
}
