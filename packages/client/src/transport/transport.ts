import type { Readable } from 'node:stream';
import { isRedirectStatus, isRetryableStatus } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { RequestTimeoutError } from '../errors.ts';
import { decode, discard, parseContentEncoding, readAll, readKeeping } from '../response/decode.ts';
import { BufferedHop, type HopResponse, type HopSettings, REDIRECT_DRAIN_BYTES } from './buffered-hop.ts';
import { mapTransportError } from './errors.ts';
import type { AttemptResult, Exchange } from './exchange.ts';
import { Hop } from './hop.ts';
import { PRECISE_BELOW_MS, Watchdog } from './watchdog.ts';

export type { AttemptResult, Exchange } from './exchange.ts';

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

/**
 * The hops of one attempt: the first, then one per redirect followed. Chained with `then` rather
 * than an async loop: a request without redirects (nearly all) then costs one promise here
 * instead of an async function's promise plus an await's.
 */
function send(
  exchange: Exchange,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  now: number,
): Promise<AttemptResult> {
  return nextHop(exchange, new Hop(exchange.request), signal, watchdog, now);
}

function nextHop(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  now: number,
): Promise<AttemptResult> {
  const remaining = exchange.deadline - (hop.first ? now : exchange.clock.now());
  if (remaining <= 0) return Promise.reject(new RequestTimeoutError('total', exchange.totalMs, hop.url.href));
  const headersMs = Math.min(exchange.headersMs, remaining);
  watchdog?.restart();
  const result = exchange.stream
    ? streamedHop(exchange, hop, signal, watchdog, headersMs)
    : bufferedHop(exchange, hop, signal, watchdog, headersMs);
  return result.then((done) => done ?? nextHop(exchange, hop, signal, watchdog, now));
}

// undici's timers for a hop: with a watchdog they only back it up; a streamed body is not
// watched, so undici's own body timer covers it.
function hopOptions(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  headersMs: number,
) {
  return hop.options(
    signal,
    watchdog === undefined ? Math.max(1, Math.ceil(headersMs)) : 0,
    watchdog === undefined || exchange.stream ? exchange.bodyIdleMs : 0,
  );
}

/**
 * A buffered hop through undici's `dispatch()` and a {@link BufferedHop} handler: the body is
 * collected as it arrives, with no stream in between unless it is encoded. Resolves with the
 * attempt's result, or `undefined` after moving `hop` to a redirect's target.
 */
function bufferedHop(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  headersMs: number,
): Promise<AttemptResult | undefined> {
  const href = hop.url.href;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const settings: HopSettings = {
    clock: exchange.clock,
    followRedirects: exchange.maxRedirects > 0,
    maxResponseBytes: exchange.maxResponseBytes,
    url: href,
    deadline: watchdog ? undefined : exchange,
    onHeaders: watchdog === undefined ? undefined : () => watchdog.headers(),
    onChunk: watchdog?.activity,
  };
  let handler: BufferedHop | undefined;
  // A promise and one `then`, not an async function awaiting it: one promise less per request.
  return new Promise<HopResponse>((resolve, reject) => {
    const hopHandler = new BufferedHop(settings, signal, resolve, reject);
    handler = hopHandler;
    try {
      exchange.dispatcher.dispatch(hopOptions(exchange, hop, undefined, watchdog, headersMs), hopHandler);
    } catch (error) {
      // A dispatcher that throws instead of calling onResponseError: end the hop the same way.
      hopHandler.onResponseError(undefined, error as Error);
    }
  }).then(
    (response) => hopResult(exchange, hop, signal, settings, response),
    (error: unknown) => {
      if (handler?.afterHeaders === true) throw mapBodyError(error, href, signal, exchange);
      throw mapTransportError(error, href, signal, { ...exchange, headersMs });
    },
  );
}

/**
 * What a buffered hop's response gives: `undefined` after moving `hop` to a redirect's target,
 * the result at once for an identity body (the common case), or a promise of it while an
 * encoded body is decoded and read.
 */
function hopResult(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  settings: HopSettings,
  response: HopResponse,
): AttemptResult | undefined | Promise<AttemptResult> {
  const { status, headers } = response;
  if (settings.followRedirects && isRedirectStatus(status)) {
    hop.follow(exchange, status, headers);
    return undefined;
  }
  const encoded = response.encoded;
  if (encoded === undefined)
    return attemptResult(exchange, hop, signal, settings, response, response.buffer, response.bodyError);
  return readEncoded(exchange, signal, settings, response, encoded).then((body) =>
    attemptResult(exchange, hop, signal, settings, response, body.buffer, body.error),
  );
}

function attemptResult(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  settings: HopSettings,
  response: HopResponse,
  buffer: Buffer | undefined,
  bodyError: unknown,
): AttemptResult {
  return {
    status: response.status,
    headers: response.headers,
    url: settings.url,
    redirects: hop.redirects,
    buffer,
    stream: undefined,
    headersAt: response.headersAt,
    bodyError: bodyError === undefined ? undefined : mapBodyError(bodyError, settings.url, signal, exchange),
  };
}

/**
 * Decodes and reads an encoded body: whole, or for a retryable status kept within the cap with
 * its failure saved (the retry decides later whether this response is the caller's).
 */
async function readEncoded(
  exchange: Exchange,
  signal: AbortSignal | undefined,
  settings: HopSettings,
  response: HopResponse,
  encoded: Readable,
): Promise<{ readonly buffer: Buffer; readonly error: unknown }> {
  const decoded = decoding(encoded, response.encodings);
  const { url, onChunk, deadline } = settings;
  if (isRetryableStatus(response.status)) {
    return readKeeping(decoded, decoded, exchange.maxResponseBytes, url, onChunk, deadline);
  }
  try {
    return {
      buffer: await readAll(decoded, exchange.maxResponseBytes, url, onChunk, deadline),
      error: response.bodyError,
    };
  } catch (error) {
    throw mapBodyError(error, url, signal, exchange);
  }
}

// The decoders for a body; a coding we cannot undo fails the hop and drops the body.
function decoding(encoded: Readable, encodings: readonly string[]): Readable {
  try {
    return decode(encoded, encodings);
  } catch (error) {
    discard(encoded);
    throw error;
  }
}

/**
 * A hop in stream mode, through `dispatcher.request()`: the caller gets undici's body stream,
 * decoded lazily. A retryable status is read whole (it may be the response the caller gets, or
 * be retried). Resolves `undefined` after moving `hop` to a redirect's target.
 */
async function streamedHop(
  exchange: Exchange,
  hop: Hop,
  signal: AbortSignal | undefined,
  watchdog: Watchdog | undefined,
  headersMs: number,
): Promise<AttemptResult | undefined> {
  const href = hop.url.href;
  let response: Dispatcher.ResponseData;
  try {
    response = await exchange.dispatcher.request(hopOptions(exchange, hop, signal, watchdog, headersMs));
  } catch (error) {
    throw mapTransportError(error, href, signal, { ...exchange, headersMs });
  }
  watchdog?.headers();
  const status = response.statusCode;
  const responseHeaders = response.headers as Record<string, string | string[]>;
  if (exchange.maxRedirects > 0 && isRedirectStatus(status)) {
    // Read a little and drop the rest: the redirect body is not for anyone.
    await response.body.dump({ limit: REDIRECT_DRAIN_BYTES }).catch(() => {});
    hop.follow(exchange, status, responseHeaders);
    return undefined;
  }
  const headersAt = exchange.clock.now();
  const decoded = decoding(response.body, parseContentEncoding(responseHeaders['content-encoding']));
  if (isRetryableStatus(status)) {
    // Whether this attempt is retried is decided later, by the retry: read the body whole
    // (within maxResponseBytes), since it may be the response the caller gets. Past the cap, or
    // cut short, what arrived is kept and the failure saved for the caller in case this is the
    // last attempt: a huge 503 page must not become a ResponseTooLargeError and stop the retries.
    const kept = await readKeeping(
      decoded,
      response.body,
      exchange.maxResponseBytes,
      href,
      watchdog?.activity,
      watchdog ? undefined : exchange,
    );
    return {
      status,
      headers: responseHeaders,
      url: href,
      redirects: hop.redirects,
      buffer: kept.buffer,
      stream: undefined,
      headersAt,
      bodyError: kept.error === undefined ? undefined : mapBodyError(kept.error, href, signal, exchange),
    };
  }
  return {
    status,
    headers: responseHeaders,
    url: href,
    redirects: hop.redirects,
    buffer: undefined,
    stream: decoded,
    headersAt,
  };
}

function mapBodyError(error: unknown, url: string, signal: AbortSignal | undefined, exchange: Exchange): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('SENTINEL_')) return error;
  return mapTransportError(error, url, signal, exchange);
}
