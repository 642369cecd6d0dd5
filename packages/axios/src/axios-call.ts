import { abortSignalOf, type ExecutionContext, markNonRetryable } from '@sentinel/core';
import { RequestSafety, type ResolvedOptions } from '@sentinel/http/adapter';
import {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  CanceledError,
  type InternalAxiosRequestConfig,
  isCancel,
} from 'axios';
import type { SentinelRequestConfig } from './options.ts';

/**
 * One logical axios request: every attempt re-runs the real adapter on a fresh copy of the config
 * (so nothing an adapter mutates leaks into the next attempt), status judgement is taken from
 * axios for the attempts and given back at the end (the user's `validateStatus` decides what the
 * caller sees, with the same `AxiosError` plain axios throws), and discarded streamed responses
 * are destroyed.
 */
export class AxiosCall {
  /** The caller's signal, when it is a real AbortSignal, for the pipeline. */
  readonly signal: AbortSignal | undefined;
  readonly #transport: AxiosAdapter;
  readonly #config: InternalAxiosRequestConfig;
  readonly #safety: RequestSafety;
  #unreturned: AxiosResponse | undefined;

  constructor(
    transport: AxiosAdapter,
    config: InternalAxiosRequestConfig,
    options: ResolvedOptions,
    overrides: Exclude<SentinelRequestConfig, false> | undefined,
  ) {
    this.#transport = transport;
    this.#config = config;
    const signal = config.signal as AbortSignal | undefined;
    this.signal = typeof signal?.addEventListener === 'function' ? signal : undefined;
    this.#safety = new RequestSafety({
      method: (config.method ?? 'get').toUpperCase(),
      hasIdempotencyKey: AxiosHeaders.from(config.headers).has(options.idempotencyKeyHeader),
      replayableBody: !isStream(config.data),
      declaredIdempotent: options.retryNonIdempotent || overrides?.idempotent === true,
      wallClock: options.wallClock,
      penalize: options.penalize,
    });
  }

  async attempt(context: ExecutionContext): Promise<AxiosResponse> {
    this.#discardUnreturned();
    this.#safety.beforeAttempt(context.attempt);
    const signal = abortSignalOf(context);
    const config: InternalAxiosRequestConfig = {
      ...this.#config,
      // A real copy: AxiosHeaders.from() returns an AxiosHeaders argument itself, and adapters
      // set headers (User-Agent, Content-Length) on the config they are given.
      headers: new AxiosHeaders(this.#config.headers),
      // Every status resolves here; Sentinel judges it, and settle() applies validateStatus once.
      validateStatus: null,
    };
    // No signal when nothing can abort the attempt: the adapter then skips its abort wiring.
    if (signal !== undefined) config.signal = signal;
    // Nothing is sent once the caller or this attempt gave up, even if a policy did not check, or
    // the transport does not look at signals (translate() turns the caller's reason into axios's
    // CanceledError). `aborted`, not `throwIfAborted()`: a polyfilled signal may lack the method.
    if (this.signal?.aborted) throw this.signal.reason;
    signal?.throwIfAborted();
    let response: AxiosResponse;
    try {
      response = await this.#transport(config);
    } catch (error) {
      if (signal?.aborted) throw error;
      // A CancelToken cancellation is the caller's decision: never retried.
      throw isCancel(error) ? markNonRetryable(error as object) : this.#safety.onError(error);
    }
    const retryAfter = AxiosHeaders.from(response.headers as AxiosHeaders).get('retry-after');
    const failure = this.#safety.onResponse(
      response,
      response.status,
      retryAfter == null ? undefined : String(retryAfter),
      config.url,
    );
    if (failure === undefined) return response;
    this.#unreturned = response;
    throw failure;
  }

  /** The response of a final retryable-status failure; it is no longer discarded. */
  claim(response: AxiosResponse): AxiosResponse {
    if (this.#unreturned === response) this.#unreturned = undefined;
    return response;
  }

  /** Applies the caller's `validateStatus` to the final response, as axios's own `settle` does. */
  settle(response: AxiosResponse): AxiosResponse {
    response.config = this.#config;
    const validate = this.#config.validateStatus;
    if (!response.status || !validate || validate(response.status)) return response;
    throw new AxiosError(
      `Request failed with status code ${response.status}`,
      response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE,
      this.#config,
      response.request,
      response,
    );
  }

  /** An abort of the caller's signal surfaces as axios's `CanceledError`, as with plain axios. */
  translate(error: unknown): unknown {
    if (this.signal?.aborted && error === this.signal.reason && !isCancel(error)) {
      return new CanceledError(undefined, this.#config);
    }
    return error;
  }

  finish(): void {
    this.#discardUnreturned();
  }

  #discardUnreturned(): void {
    const response = this.#unreturned;
    this.#unreturned = undefined;
    // Buffered bodies are already read; a streamed one would hold its socket until destroyed.
    const data = response?.data as { destroy?: () => void; cancel?: () => Promise<void> } | undefined;
    if (typeof data?.destroy === 'function') data.destroy();
    else if (typeof data?.cancel === 'function') data.cancel().catch(() => {});
  }
}

/** Node streams (including the form-data package) and web streams are consumed by sending them. */
function isStream(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const candidate = data as { pipe?: unknown; getReader?: unknown };
  return typeof candidate.pipe === 'function' || typeof candidate.getReader === 'function';
}
