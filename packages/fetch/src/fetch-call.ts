import { abortSignalOf, type ExecutionContext } from '@sentinel/core';
import { getHeader } from '@sentinel/http';
import { RequestSafety, type ResolvedOptions } from '@sentinel/http/adapter';
import type { FetchInput, FetchLike, SentinelRequestInit } from './options.ts';

/**
 * One logical fetch: runs each attempt under {@link RequestSafety}'s rules and cancels the body
 * of every response it does not hand back, so connections are released before the next attempt.
 */
export class FetchCall {
  readonly signal: AbortSignal | undefined;
  readonly #fetch: FetchLike;
  readonly #input: FetchInput;
  readonly #request: Request | undefined;
  readonly #init: RequestInit | undefined;
  readonly #safety: RequestSafety;
  #unreturned: Response | undefined;

  constructor(
    fetchImpl: FetchLike,
    input: FetchInput,
    init: SentinelRequestInit | undefined,
    options: ResolvedOptions,
  ) {
    this.#fetch = fetchImpl;
    this.#input = input;
    this.#request = asRequest(input);
    const { sentinel, ...rest } = init ?? {};
    this.#init = init === undefined ? undefined : rest;
    this.signal = callerSignalOf(input, init);
    const key = options.idempotencyKeyHeader;
    this.#safety = new RequestSafety({
      method: (init?.method ?? this.#request?.method ?? 'GET').toUpperCase(),
      hasIdempotencyKey:
        getHeader(init?.headers as Parameters<typeof getHeader>[0], key) !== undefined ||
        (init?.headers === undefined && this.#request?.headers.has(key) === true),
      // A Request's own body is replayed through clone(); an init body must be re-encodable.
      replayableBody: isReplayableBody(init?.body),
      declaredIdempotent: options.retryNonIdempotent || (sentinel !== false && sentinel?.idempotent === true),
      wallClock: options.wallClock,
      penalize: options.penalize,
    });
  }

  /** Runs one attempt under `context` (its signal aborts this attempt only). */
  async attempt(context: ExecutionContext): Promise<Response> {
    this.#discardUnreturned();
    this.#safety.beforeAttempt(context.attempt);
    const signal = abortSignalOf(context);
    // Nothing is sent once the caller or this attempt gave up, even if a policy did not check,
    // or the fetch in use does not look at signals.
    throwIfAborted(this.signal);
    signal?.throwIfAborted();
    let response: Response;
    try {
      // No signal when nothing can abort the attempt: fetch then skips its abort wiring.
      response = await this.#fetch(this.#attemptInput(), signal === undefined ? this.#init : { ...this.#init, signal });
    } catch (error) {
      // An abort of this attempt (timeout, caller) passes through untouched.
      throw signal?.aborted ? error : this.#safety.onError(error);
    }
    const failure = this.#safety.onResponse(
      response,
      response.status,
      response.headers.get('retry-after'),
      response.url,
    );
    if (failure === undefined) return response;
    this.#unreturned = response;
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

  #attemptInput(): FetchInput {
    // A Request with a body can be sent once; send clones and keep the original for later attempts.
    return this.#request !== undefined && this.#request.body !== null ? this.#request.clone() : this.#input;
  }

  #discardUnreturned(): void {
    const response = this.#unreturned;
    this.#unreturned = undefined;
    if (response?.body && !response.bodyUsed) response.body.cancel().catch(() => {});
  }
}

/**
 * Throws the reason of an aborted caller's signal. Not `signal.throwIfAborted()`: a polyfilled
 * signal may lack it (and a reason), and the call must still not be sent.
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The signal that aborts the whole call: `init.signal`, else the Request's own. */
export function callerSignalOf(input: FetchInput, init: SentinelRequestInit | undefined): AbortSignal | undefined {
  return init?.signal ?? asRequest(input)?.signal ?? undefined;
}

/** Strings, bytes, Blobs, URLSearchParams and FormData are re-encoded on every send; streams are not. */
function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string' || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  return body instanceof Blob || body instanceof URLSearchParams || body instanceof FormData;
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
