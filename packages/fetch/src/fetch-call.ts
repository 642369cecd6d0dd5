import { type ExecutionContext, markNonRetryable } from '@sentinel/core';
import {
  errorCodeOf,
  getHeader,
  isFailureBeforeSend,
  isIdempotentMethod,
  isRetryableStatus,
  parseRetryAfter,
} from '@sentinel/http';
import { RequestNotReplayableError, RetryableStatusError } from './errors.ts';
import type { ResolvedOptions, SentinelRequestInit } from './options.ts';
import type { FetchInput, FetchLike } from './with-sentinel.ts';

/**
 * One logical request: decides once whether it may be sent more than once, runs each attempt,
 * and cancels the body of every response it does not hand back, so connections are released
 * before the next attempt.
 */
export class FetchCall {
  readonly signal: AbortSignal | undefined;
  readonly #fetch: FetchLike;
  readonly #input: FetchInput;
  readonly #init: RequestInit | undefined;
  readonly #options: ResolvedOptions;
  /** May the request be sent again after it may have reached the server? */
  readonly #repeatable: boolean;
  /** Is the body something fetch can send again (not a consumed stream)? */
  readonly #replayable: boolean;
  #reachedServer = false;
  #unreturned: Response | undefined;

  constructor(
    fetchImpl: FetchLike,
    input: FetchInput,
    init: SentinelRequestInit | undefined,
    options: ResolvedOptions,
  ) {
    this.#fetch = fetchImpl;
    this.#input = input;
    this.#options = options;
    const request = asRequest(input);
    const { sentinel, ...rest } = init ?? {};
    this.#init = init === undefined ? undefined : rest;
    this.signal = init?.signal ?? request?.signal ?? undefined;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const hasKey =
      getHeader(init?.headers as Parameters<typeof getHeader>[0], options.idempotencyKeyHeader) !== undefined ||
      (init?.headers === undefined && request?.headers.has(options.idempotencyKeyHeader) === true);
    this.#repeatable =
      isIdempotentMethod(method) ||
      hasKey ||
      options.retryNonIdempotent ||
      (sentinel !== false && sentinel?.idempotent === true);
    this.#replayable = isReplayableBody(init?.body);
  }

  /** Runs one attempt under `context` (its signal aborts this attempt only). */
  async attempt(context: ExecutionContext): Promise<Response> {
    this.#discardUnreturned();
    if (context.attempt > 1) this.#refuseUnsafeResend();
    let response: Response;
    try {
      response = await this.#fetch(this.#attemptInput(), { ...this.#init, signal: context.signal });
    } catch (error) {
      if (!isFailureBeforeSend(errorCodeOf(error))) this.#reachedServer = true;
      // Abort reasons pass through untouched; other failures of an unrepeatable request must not be retried.
      if (!context.signal.aborted && this.#reachedServer && !(this.#repeatable && this.#replayable))
        markNonRetryable(asObject(error));
      throw error;
    }
    this.#reachedServer = true;
    if (!isRetryableStatus(response.status)) return response;
    this.#unreturned = response;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#options.wallClock());
    if (retryAfterMs !== undefined && (response.status === 429 || response.status === 503))
      this.#options.penalize?.(retryAfterMs);
    const failure = new RetryableStatusError(response, retryAfterMs);
    if (!(this.#repeatable && this.#replayable)) markNonRetryable(failure);
    throw failure;
  }

  /** The response to hand back for a final retryable-status failure; it is no longer discarded. */
  claim(response: Response): Response {
    if (this.#unreturned === response) this.#unreturned = undefined;
    return response;
  }

  /** Cancels the body of a response that was not handed back (the call failed another way). */
  finish(): void {
    this.#discardUnreturned();
  }

  #refuseUnsafeResend(): void {
    // A safety net under any retry policy: even one that ignores non-retryable marks cannot make
    // this adapter send a write twice.
    if (!this.#replayable)
      throw markNonRetryable(new RequestNotReplayableError('its body is a stream that was already sent'));
    if (this.#reachedServer && !this.#repeatable) {
      throw markNonRetryable(
        new RequestNotReplayableError('it is not idempotent, has no idempotency key, and may have reached the server'),
      );
    }
  }

  #attemptInput(): FetchInput {
    // A Request with a body can be sent once; send clones and keep the original for later attempts.
    const request = asRequest(this.#input);
    return request !== undefined && request.body !== null ? request.clone() : this.#input;
  }

  #discardUnreturned(): void {
    const response = this.#unreturned;
    this.#unreturned = undefined;
    if (response?.body && !response.bodyUsed) response.body.cancel().catch(() => {});
  }
}

/** Strings, bytes, Blobs, URLSearchParams and FormData are re-encoded on every send; streams are not. */
function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (body instanceof Blob || body instanceof URLSearchParams || body instanceof FormData) return true;
  return false;
}

/**
 * The input as a Request, recognised by shape: undici's own Request class, a polyfill's and the
 * global one are different classes, and `instanceof` would miss all but one.
 */
function asRequest(input: FetchInput): Request | undefined {
  if (typeof input !== 'object' || input === null || input instanceof URL) return undefined;
  const candidate = input as Partial<Request>;
  return typeof candidate.clone === 'function' &&
    typeof candidate.method === 'string' &&
    candidate.headers !== undefined
    ? (input as Request)
    : undefined;
}

function asObject(error: unknown): object {
  return typeof error === 'object' && error !== null ? error : Object(error);
}
