import { type Decision, type ExecutionContext, isNonRetryable, markNonRetryable } from '@sentinel/core';
import { isRetryableStatus } from '@sentinel/http';
import { ClientClosedError, RequestTimeoutError, UnsafeRetryError } from '../errors.ts';
import { noteAttempt } from '../policies/hedge-trace.ts';
import { applyLimiterHints, retryAfterMsOf } from '../policies/hints.ts';
import { ClientResponse } from '../response/response.ts';
import type { RequestTrace } from '../trace/request-trace.ts';
import type { NotRetriedReason } from '../trace/trace.ts';
import { failedBeforeSend } from '../transport/errors.ts';
import { type AttemptResult, type Exchange, sendOnce } from '../transport/transport.ts';
import { httpErrorOf } from './carried-response.ts';
import {
  AttemptStart,
  errorChannel,
  type RequestInfo,
  requestChannel,
  requestInfo,
  responseChannel,
} from './diagnostics.ts';
import { type Counters, failureKey } from './status.ts';

/** What the attempt function needs from the client. */
export interface RequestScope {
  readonly exchange: Exchange;
  /** The request may be sent again: idempotent method, or an idempotency key, and a replayable body. */
  readonly repeatable: boolean;
  readonly counters: Counters;
  readonly penalize: ((ms: number) => void) | undefined;
  readonly maxRetryAfterMs: number;
  readonly wallClock: () => number;
  readonly isClosed: () => boolean;
  /** The caller's signal, handed to undici unless contexts must be read. */
  readonly signal: AbortSignal | undefined;
  /** Read each attempt context's signal (only when `policies` may abort an attempt). */
  readonly readContextSignal: boolean;
  readonly start: number;
  /** Set when the request is traced or observed (see RequestTrace). */
  readonly trace: RequestTrace | undefined;
  /** A traced hedged request: note which context each attempt runs in (see hedge-trace). */
  readonly noteAttempts: boolean;
}

/**
 * Per logical request: counts attempts, remembers whether the request may have reached a
 * server, and turns each attempt's outcome into what generic policies understand:
 * - a retryable status (408, 425, 429, 5xx) throws an `HttpError` carrying Retry-After, so any
 *   retry or breaker with default predicates counts it as a failure;
 * - other statuses resolve (a 404 never trips a breaker);
 * - a request that must not be sent again throws errors marked with `markNonRetryable`.
 */
export class RequestRun {
  readonly #scope: RequestScope;
  attempts = 0;
  #maybeSent = false;
  #finished = false;
  #info: RequestInfo | undefined;

  constructor(scope: RequestScope) {
    this.#scope = scope;
  }

  readonly attempt = (ctx: ExecutionContext): Promise<ClientResponse> => {
    const scope = this.#scope;
    const request = scope.exchange.request;
    if (scope.isClosed()) return Promise.reject(markNonRetryable(new ClientClosedError()));
    // Safety net for retry policies that ignore the mark: a request that is not repeatable is
    // never written twice once a previous attempt may have reached the server.
    if (!scope.repeatable && this.#maybeSent && (ctx.attempt > 1 || this.attempts > 0)) {
      return Promise.reject(markNonRetryable(new UnsafeRetryError(request.method, request.url.href, undefined)));
    }
    this.attempts++;
    scope.counters.attempts++;
    const attempt = this.attempts;
    if (scope.noteAttempts) noteAttempt(ctx, attempt);
    const trace = scope.trace;
    // Past the total deadline the transport fails before sending: the trace must not say "sent".
    if (trace?.keeps === true && scope.exchange.deadline > scope.exchange.clock.now()) trace.add(sendEntry(attempt));
    let exchange = scope.exchange;
    if (requestChannel.hasSubscribers) {
      const message = new AttemptStart(this.#requestInfo(), attempt);
      requestChannel.publish(message);
      exchange = message.applyTo(exchange);
    }
    // Measured for every attempt, observed or not (one clock read): an instrumentation that
    // starts while this attempt is in flight must still get its duration when it ends.
    const sentAt = exchange.clock.now();
    const wasSent = this.#maybeSent;
    this.#maybeSent = true;
    const signal = scope.readContextSignal ? ctx.signal : scope.signal;
    return sendOnce(exchange, signal).then(
      (result) => this.#judge(result, attempt, sentAt),
      (error: unknown) => {
        if (failedBeforeSend(error)) this.#maybeSent = wasSent;
        throw this.#fail(error, attempt, sentAt);
      },
    );
  };

  /** The logical request is over (its response handed over, or its body closed): counted once. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    const counters = this.#scope.counters;
    counters.inFlight--;
    if (this.attempts > 0) counters.attempted++;
  }

  /** The request's identity in diagnostics messages, the same object in each. */
  #requestInfo(): RequestInfo {
    this.#info ??= this.#scope.trace?.info ?? requestInfo(this.#scope.exchange);
    return this.#info;
  }

  #since(sentAt: number): number {
    return this.#scope.exchange.clock.now() - sentAt;
  }

  #fail(error: unknown, attempt: number, sentAt: number): unknown {
    const marked = this.#mark(error);
    const trace = this.#scope.trace;
    if (trace?.keeps === true) {
      trace.add({
        layer: 'client',
        decision: 'error',
        attempt,
        error: failureKey(marked),
        retryable: !isNonRetryable(marked),
      } as Decision);
    }
    if (errorChannel.hasSubscribers) {
      const info = this.#requestInfo();
      errorChannel.publish({
        method: info.method,
        url: info.url,
        attempt,
        request: info,
        error: marked,
        durationMs: this.#since(sentAt),
      });
    }
    return marked;
  }

  #mark(error: unknown): unknown {
    const scope = this.#scope;
    if (typeof error !== 'object' || error === null) return error;
    const code = (error as { code?: unknown }).code;
    // Deterministic failures: sending again gives the same answer.
    if (
      code === 'SENTINEL_RESPONSE_TOO_LARGE' ||
      code === 'SENTINEL_RESPONSE_DECODE' ||
      code === 'SENTINEL_REDIRECT' ||
      code === 'SENTINEL_INVALID_REQUEST' ||
      (error instanceof RequestTimeoutError && error.phase === 'total')
    ) {
      return markNonRetryable(error);
    }
    if (!scope.repeatable && !failedBeforeSend(error)) return markNonRetryable(error);
    return error;
  }

  #judge(result: AttemptResult, attempt: number, sentAt: number): ClientResponse {
    const scope = this.#scope;
    const { exchange } = scope;
    const request = exchange.request;
    if (responseChannel.hasSubscribers) {
      responseChannel.publish({
        method: request.method,
        url: result.url,
        attempt,
        request: this.#requestInfo(),
        status: result.status,
        redirects: result.redirects.length,
        durationMs: this.#since(sentAt),
      });
    }
    const retryable = isRetryableStatus(result.status);
    let retryAfterMs: number | undefined;
    if (retryable || (scope.penalize !== undefined && hasLimitHints(result.headers))) {
      const now = scope.wallClock();
      retryAfterMs = retryAfterMsOf(result.headers, now);
      applyLimiterHints(scope.penalize, result.headers, retryAfterMs, now, scope.maxRetryAfterMs);
    }
    const buffer = result.buffer;
    const response = new ClientResponse(
      {
        status: result.status,
        headers: result.headers,
        url: result.url,
        redirects: result.redirects,
        attempts: attempt,
        timings: {
          headersMs: result.headersAt - scope.start,
          bodyMs: buffer === undefined ? undefined : exchange.clock.now() - scope.start,
        },
      },
      buffer,
      result.stream,
      exchange.maxResponseBytes,
      exchange.stream,
    );
    if (!retryable) {
      if (scope.trace?.keeps === true)
        scope.trace.add(responseEntry(attempt, result.status, false, retryAfterMs, undefined));
      return response;
    }
    const error = httpErrorOf(response, request.method, retryAfterMs, undefined, result.bodyError);
    const left = exchange.deadline - exchange.clock.now();
    const notRetried: NotRetriedReason | undefined = !scope.repeatable
      ? 'not-repeatable'
      : retryAfterMs === undefined
        ? undefined
        : retryAfterMs > scope.maxRetryAfterMs
          ? 'retry-after-too-long'
          : retryAfterMs > left
            ? 'retry-after-past-deadline'
            : undefined;
    if (notRetried !== undefined) markNonRetryable(error);
    if (scope.trace?.keeps === true) {
      scope.trace.add(responseEntry(attempt, result.status, notRetried === undefined, retryAfterMs, notRetried));
    }
    if (errorChannel.hasSubscribers) {
      const info = this.#requestInfo();
      errorChannel.publish({
        method: request.method,
        url: result.url,
        attempt,
        request: info,
        error,
        durationMs: this.#since(sentAt),
      });
    }
    throw error;
  }
}

function sendEntry(attempt: number): Decision {
  return { layer: 'client', decision: 'send', attempt } as Decision;
}

function responseEntry(
  attempt: number,
  status: number,
  retryable: boolean,
  retryAfterMs: number | undefined,
  notRetried: NotRetriedReason | undefined,
): Decision {
  const entry: Record<string, unknown> = { layer: 'client', decision: 'response', attempt, status, retryable };
  if (retryAfterMs !== undefined) entry.retryAfterMs = retryAfterMs;
  if (notRetried !== undefined) entry.notRetried = notRetried;
  return entry as unknown as Decision;
}

// Whether a response carries anything a limiter should hear about (lower-case undici names).
function hasLimitHints(headers: Record<string, string | string[]>): boolean {
  return (
    headers['retry-after'] !== undefined ||
    headers.ratelimit !== undefined ||
    headers['ratelimit-remaining'] !== undefined ||
    headers['x-ratelimit-remaining'] !== undefined
  );
}
