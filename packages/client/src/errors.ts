import { isSentinelError, SentinelError, TimeoutError } from '@sentinel/core';
import type { Trace } from './trace/trace.ts';

function named(target: { prototype: object }, name: string): void {
  Object.defineProperty(target.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** Options of {@link HttpError}. */
export interface HttpErrorDetails {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The start of the response body as text (at most 1 KiB). */
  readonly bodyExcerpt: string;
  /** Attempts made so far, including this one. */
  readonly attempts: number;
  /** The server's Retry-After, in ms, when it sent a valid one. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The server answered with an error status (>= 400) and `throwOnHttpError` is on, or a
 * retryable status (408, 425, 429, 5xx) ended the last attempt. `retryAfterMs` carries the
 * server's Retry-After so any retry policy can honour it (core's `retryAfterOf`).
 */
export class HttpError extends SentinelError<'SENTINEL_HTTP_ERROR'> {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly bodyExcerpt: string;
  attempts: number;
  readonly retryAfterMs: number | undefined;
  /** The request's decision trace, when it was traced (`trace: true`); `traceOf(error)` reads any error's. */
  declare readonly trace?: Trace;

  constructor(details: HttpErrorDetails) {
    super('SENTINEL_HTTP_ERROR', `${details.method} ${details.url} answered ${details.status}`);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.headers = details.headers;
    this.bodyExcerpt = details.bodyExcerpt;
    this.attempts = details.attempts;
    this.retryAfterMs = details.retryAfterMs;
  }
}
named(HttpError, 'HttpError');

/** True for an {@link HttpError} from any installed copy. */
export function isHttpError(error: unknown): error is HttpError {
  return isSentinelError(error) && error.code === 'SENTINEL_HTTP_ERROR';
}

/** A response body exceeded `maxResponseBytes` (counted after decompression). */
export class ResponseTooLargeError extends SentinelError<'SENTINEL_RESPONSE_TOO_LARGE'> {
  readonly limitBytes: number;
  readonly url: string;

  constructor(url: string, limitBytes: number) {
    super('SENTINEL_RESPONSE_TOO_LARGE', `response from ${url} exceeded ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
    this.url = url;
  }
}
named(ResponseTooLargeError, 'ResponseTooLargeError');

/** True for a {@link ResponseTooLargeError} from any installed copy. */
export function isResponseTooLargeError(error: unknown): error is ResponseTooLargeError {
  return isSentinelError(error) && error.code === 'SENTINEL_RESPONSE_TOO_LARGE';
}

/** A response body could not be decoded: unknown or too many content encodings, corrupt data. */
export class ResponseDecodeError extends SentinelError<'SENTINEL_RESPONSE_DECODE'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SENTINEL_RESPONSE_DECODE', message, options);
  }
}
named(ResponseDecodeError, 'ResponseDecodeError');

/** The request was refused before any byte was sent: CR/LF/NUL in a header, method or path, a bad URL. */
export class InvalidRequestError extends SentinelError<'SENTINEL_INVALID_REQUEST'> {
  /**
   * What was refused: `'method'`, `'url'`, `'query'`, `'headers'` (their shape), `'header-name'`,
   * `'header-value'`, `'body'`, `'options'` (another request option).
   */
  readonly part: string;

  constructor(part: string, message: string) {
    super('SENTINEL_INVALID_REQUEST', message);
    this.part = part;
  }
}
named(InvalidRequestError, 'InvalidRequestError');

/** True for an {@link InvalidRequestError} from any installed copy. */
export function isInvalidRequestError(error: unknown): error is InvalidRequestError {
  return isSentinelError(error) && error.code === 'SENTINEL_INVALID_REQUEST';
}

/** Why a redirect was not followed. */
export type RedirectFailure =
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'missing-location'
  | 'invalid-location'
  | 'unsupported-protocol'
  | 'https-to-http'
  | 'body-not-replayable';

/** A redirect could not (or must not) be followed. */
export class RedirectError extends SentinelError<'SENTINEL_REDIRECT'> {
  readonly reason: RedirectFailure;
  readonly url: string;

  constructor(reason: RedirectFailure, url: string) {
    super('SENTINEL_REDIRECT', `redirect from ${url} not followed: ${reason}`);
    this.reason = reason;
    this.url = url;
  }
}
named(RedirectError, 'RedirectError');

/** True for a {@link RedirectError} from any installed copy. */
export function isRedirectError(error: unknown): error is RedirectError {
  return isSentinelError(error) && error.code === 'SENTINEL_REDIRECT';
}

/** The phase a {@link RequestTimeoutError} happened in. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

/**
 * A request ran out of time. A core `TimeoutError` (so `isTimeoutError` is true) that says which
 * phase: connecting, waiting for headers, waiting for body bytes, or the total deadline across
 * retries.
 */
export class RequestTimeoutError extends TimeoutError {
  readonly phase: TimeoutPhase;
  readonly url: string;

  constructor(phase: TimeoutPhase, timeoutMs: number, url: string, options?: { cause?: unknown }) {
    super(timeoutMs, options);
    this.phase = phase;
    this.url = url;
    this.message = `${phase} timeout after ${timeoutMs} ms for ${url}`;
  }
}
named(RequestTimeoutError, 'RequestTimeoutError');

/** A network failure (reset, refused, DNS, ...). `errorCode` is the socket or undici code. */
export class NetworkError extends SentinelError<'SENTINEL_NETWORK'> {
  readonly errorCode: string | undefined;
  readonly url: string;
  /** Whether the request may have reached the server before the failure. */
  readonly maybeSent: boolean;
  /**
   * `0` for a DNS failure: the resolver's answer is not cached, so the next attempt asks again
   * at once (core's `retryAfterOf` hands the 0 to the retry); `undefined` otherwise.
   */
  readonly retryAfterMs: number | undefined;

  constructor(url: string, errorCode: string | undefined, maybeSent: boolean, cause: unknown) {
    super('SENTINEL_NETWORK', `${errorCode ?? 'network error'} for ${url}`, { cause });
    this.errorCode = errorCode;
    this.url = url;
    this.maybeSent = maybeSent;
    this.retryAfterMs = errorCode === 'ENOTFOUND' || errorCode === 'EAI_AGAIN' ? 0 : undefined;
  }
}
named(NetworkError, 'NetworkError');

/** True for a {@link NetworkError} from any installed copy. */
export function isNetworkError(error: unknown): error is NetworkError {
  return isSentinelError(error) && error.code === 'SENTINEL_NETWORK';
}

/** The client was closed; no request is accepted any more. */
export class ClientClosedError extends SentinelError<'SENTINEL_CLIENT_CLOSED'> {
  constructor() {
    super('SENTINEL_CLIENT_CLOSED', 'the client is closed');
  }
}
named(ClientClosedError, 'ClientClosedError');

/**
 * A non-idempotent request without an idempotency key may already have reached the server, so
 * it is not sent again. Marked non-retryable; `cause` is the failure of the attempt that may
 * have been received.
 */
export class UnsafeRetryError extends SentinelError<'SENTINEL_UNSAFE_RETRY'> {
  constructor(method: string, url: string, cause: unknown) {
    super(
      'SENTINEL_UNSAFE_RETRY',
      `${method} ${url} may have reached the server; not sent again without an idempotency key`,
      {
        cause,
      },
    );
  }
}
named(UnsafeRetryError, 'UnsafeRetryError');
