import type { Readable } from 'node:stream';
import type { Clock } from '@sentinel/core';
import { getHeader, isRedirectStatus, isRetryableStatus, resolveRedirect } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { RedirectError, RequestTimeoutError, ResponseTooLargeError } from '../errors.ts';
import type { PreparedRequest } from '../request/prepare.ts';
import { decode, discard, parseContentEncoding, readAll, readKeeping } from '../response/decode.ts';
import { mapTransportError } from './errors.ts';
import { PRECISE_BELOW_MS, Watchdog } from './watchdog.ts';

/** Everything one attempt needs; built once per logical request. */
export interface Exchange {
  readonly request: PreparedRequest;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyIdleMs: number;
  readonly totalMs: number;
  /** Clock time at which the total deadline passes. */
  readonly deadline: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly allowHttpsToHttp: boolean;
  readonly sensitiveHeaders: readonly string[];
  readonly stream: boolean;
}

/** The raw outcome of one attempt, before status policy is applied. */
export interface AttemptResult {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly url: string;
  readonly redirects: string[];
  /** Buffered body (buffered mode). */
  readonly buffer: Buffer | undefined;
  /** Decoded body stream (stream mode). */
  readonly stream: Readable | undefined;
  readonly headersAt: number;
  /**
   * Why `buffer` is not the whole body of a retryable status (too large, cut short): the error
   * the caller gets if this response is the last one, instead of a truncated body.
   */
  readonly bodyError?: unknown;
}

// The request's own headers, flattened for undici once per request, not once per attempt.
function flatOf(request: PreparedRequest): string[] {
  if (request.flatHeaders === undefined) request.flatHeaders = flat(request.headers);
  return request.flatHeaders;
}

function flat(headers: readonly [string, string][]): string[] {
  const out: string[] = [];
  for (const [name, value] of headers) out.push(name, value);
  return out;
}

/**
 * Sends the request once, following redirects, and reads the body (buffered mode) or decodes it
 * lazily (stream mode). Bodies of redirects are dumped before the next hop so sockets return to
 * the pool. Phase timeouts under a second get a precise {@link Watchdog}.
 */
export function sendOnce(exchange: Exchange, signal: AbortSignal | undefined): Promise<AttemptResult> {
  const now = exchange.clock.now();
  const left = exchange.deadline - now;
  if (left <= 0) return Promise.reject(new RequestTimeoutError('total', exchange.totalMs, exchange.request.url.href));
  const precise =
    exchange.headersMs < PRECISE_BELOW_MS || exchange.bodyIdleMs < PRECISE_BELOW_MS || left < PRECISE_BELOW_MS;
  // The common case: no watchdog, and no async wrapper around send's own promise.
  if (!precise) return send(exchange, signal, undefined, now);
  return watched(exchange, signal, now);
}

async function watched(exchange: Exchange, signal: AbortSignal | undefined, now: number): Promise<AttemptResult> {
  const watchdog = new Watchdog(exchange, signal);
  let result: AttemptResult;
  try {
    result = await send(exchange, watchdog.signal, watchdog, now);
  } catch (error) {
    watchdog.done();
    throw error;
  }
  // A streamed body outlives the attempt: the caller's abort must still reach it until it closes.
  const stream = result.stream;
  if (stream === undefined || stream.destroyed) watchdog.done();
  else {
    watchdog.done(true);
    stream.once('close', watchdog.unlink);
  }
  return result;
}

// Shared by every response that followed no redirect; frozen, so no caller can add to it.
const NO_REDIRECTS = Object.freeze([]) as unknown as string[];

async function send(
  exchange: Exchange,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  now: number,
): Promise<AttemptResult> {
  const { request, dispatcher, clock } = exchange;
  let method = request.method;
  let url = request.url;
  let headers = request.headers;
  let body = request.body;
  // Made on the first redirect: most requests follow none.
  let redirects = NO_REDIRECTS;
  let seen: Set<string> | undefined;
  for (;;) {
    const remaining = exchange.deadline - (redirects === NO_REDIRECTS ? now : clock.now());
    if (remaining <= 0) throw new RequestTimeoutError('total', exchange.totalMs, url.href);
    const headersMs = Math.min(exchange.headersMs, remaining);
    watchdog?.restart();
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin: url === request.url ? request.origin : url.origin,
        path: url === request.url ? request.path : `${url.pathname}${url.search}`,
        method: method as Dispatcher.HttpMethod,
        headers: headers === request.headers ? flatOf(request) : flat(headers),
        body: body as Exclude<Dispatcher.DispatchOptions['body'], undefined>,
        signal,
        // With a watchdog, undici's coarse timers only back it up.
        headersTimeout: watchdog === undefined ? Math.max(1, Math.ceil(headersMs)) : 0,
        // A streamed body is not watched: undici's own body timer covers it.
        bodyTimeout: watchdog === undefined || exchange.stream ? exchange.bodyIdleMs : 0,
      } as Dispatcher.RequestOptions);
    } catch (error) {
      throw mapTransportError(error, url.href, signal, { ...exchange, headersMs });
    }
    watchdog?.headers();
    const status = response.statusCode;
    const responseHeaders = response.headers as Record<string, string | string[]>;
    if (exchange.maxRedirects > 0 && isRedirectStatus(status)) {
      // Read a little and drop the rest: the redirect body is not for anyone.
      await response.body.dump({ limit: 64 * 1024 }).catch(() => {});
      if (redirects.length >= exchange.maxRedirects) throw new RedirectError('too-many-redirects', url.href);
      const decision = resolveRedirect({
        status,
        method,
        url,
        location: getHeader(responseHeaders, 'location'),
        headers,
        sensitiveHeaders: exchange.sensitiveHeaders,
        allowHttpsToHttp: exchange.allowHttpsToHttp,
      });
      if (!decision.follow) {
        if (decision.reason === 'not-a-redirect') throw new RedirectError('invalid-location', url.href);
        throw new RedirectError(decision.reason, url.href);
      }
      if (decision.keepBody && body !== null && !request.replayable) {
        throw new RedirectError('body-not-replayable', url.href);
      }
      const key = `${decision.method} ${decision.url.href}`;
      seen ??= new Set();
      if (seen.has(key) || decision.url.href === url.href) throw new RedirectError('redirect-loop', url.href);
      seen.add(key);
      if (redirects === NO_REDIRECTS) redirects = [];
      redirects.push(decision.url.href);
      method = decision.method;
      url = decision.url;
      headers = decision.headers;
      if (!decision.keepBody) body = null;
      continue;
    }
    const headersAt = clock.now();
    let decoded: Readable;
    try {
      decoded = decode(response.body, parseContentEncoding(responseHeaders['content-encoding']));
    } catch (error) {
      discard(response.body);
      throw error;
    }
    if (isRetryableStatus(status)) {
      // Whether this attempt is retried is decided later, by the retry: read the body whole
      // (within maxResponseBytes), since it may be the response the caller gets. Past the cap, or
      // cut short, what arrived is kept and the failure saved for the caller in case this is the
      // last attempt: a huge 503 page must not become a ResponseTooLargeError and stop the retries.
      const kept = await readKeeping(
        decoded,
        response.body,
        exchange.maxResponseBytes,
        url.href,
        watchdog?.activity,
        watchdog ? undefined : exchange,
      );
      return {
        status,
        headers: responseHeaders,
        url: url.href,
        redirects,
        buffer: kept.buffer,
        stream: undefined,
        headersAt,
        bodyError: kept.error === undefined ? undefined : mapBodyError(kept.error, url.href, signal, exchange),
      };
    }
    if (exchange.stream) {
      return {
        status,
        headers: responseHeaders,
        url: url.href,
        redirects,
        buffer: undefined,
        stream: decoded,
        headersAt,
      };
    }
    // undici's response headers have lower-case names: a direct read, no scan.
    const declared = Number(responseHeaders['content-length']);
    let buffer: Buffer;
    try {
      // A declared length over the cap fails before a byte is read, when nothing is encoded.
      if (declared > exchange.maxResponseBytes && decoded === response.body) {
        discard(decoded);
        throw new ResponseTooLargeError(url.href, exchange.maxResponseBytes);
      }
      buffer = await readAll(
        decoded,
        exchange.maxResponseBytes,
        url.href,
        watchdog?.activity,
        watchdog ? undefined : exchange,
      );
    } catch (error) {
      throw mapBodyError(error, url.href, signal, exchange);
    }
    return { status, headers: responseHeaders, url: url.href, redirects, buffer, stream: undefined, headersAt };
  }
}

function mapBodyError(error: unknown, url: string, signal: AbortSignal | undefined, exchange: Exchange): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SENTINEL_')) return error;
  return mapTransportError(error, url, signal, exchange);
}
