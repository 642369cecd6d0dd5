import {
  type ExecutionContext,
  markNonRetryable,
  optionChecker,
  type Policy,
  systemWallClock,
  type WallClock,
} from '@sentinel/core';
import { errorCodeOf, getHeader, isFailureBeforeSend, isIdempotentMethod, isRetryableStatus } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { POLICY_OPTION_KEYS, type PolicyOptions } from '../client/options.ts';
import { HttpError } from '../errors.ts';
import { applyLimiterHints, penalizerOf, retryAfterMsOf } from '../policies/hints.ts';
import { BreakerResolver, isBreakerSource, runThrough } from '../policies/pipeline.ts';

/** Options of {@link sentinelInterceptor}: the client's policy options. */
export type SentinelInterceptorOptions = PolicyOptions;

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

const check = optionChecker('sentinelInterceptor');

// undici also takes headers as a flat [name, value, name, value] array: make it pairs.
function headerShape(headers: unknown): Parameters<typeof getHeader>[0] {
  if (Array.isArray(headers) && typeof headers[0] === 'string') {
    const pairs: [string, string][] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), String(headers[i + 1])]);
    return pairs;
  }
  return headers as Parameters<typeof getHeader>[0];
}

function replayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * The client's policies as an undici interceptor, so plain `undici.request`, `fetch` or any
 * dispatcher gets them: `new Agent().compose(sentinelInterceptor({ retry, breaker }))`.
 * Same HTTP rules as the client: retryable statuses of repeatable requests (idempotent method or
 * an idempotency-key header, replayable body) are consumed and become `HttpError`s carrying
 * Retry-After, so the retry and breaker see failures; the response reaches your handler only
 * once it is final. A non-repeatable request's response is passed through untouched, and its
 * failures are marked non-retryable once it may have reached the server. When retries are
 * exhausted on a retryable status, the handler gets the `HttpError` through `onResponseError`.
 */
export function sentinelInterceptor(options: SentinelInterceptorOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  const opts = check.options(options, POLICY_OPTION_KEYS);
  for (const name of ['retry', 'rateLimit'] as const) {
    const value = opts[name];
    if (value !== undefined && typeof value.execute !== 'function') check.fail(name, value, 'a policy');
  }
  if (opts.breaker !== undefined && !isBreakerSource(opts.breaker))
    check.fail('breaker', opts.breaker, 'a breaker source');
  const breakers =
    opts.breaker === undefined
      ? undefined
      : new BreakerResolver(opts.breaker, check.integer('maxBreakers', opts.maxBreakers, { min: 1 }, 256));
  const extra = opts.policies ?? [];
  const maxRetryAfterMs = check.duration('maxRetryAfterMs', opts.maxRetryAfterMs, {}, 60_000);
  const keyHeader = (opts.idempotencyKeyHeader ?? 'idempotency-key').toLowerCase();
  const wallClock = check.function<WallClock>('wallClock', opts.wallClock, systemWallClock);
  const penalize = penalizerOf(opts.rateLimit);

  return (dispatch) => (dispatchOptions, handler: Handler) => {
    const origin = String(dispatchOptions.origin ?? '');
    const method = dispatchOptions.method;
    const headers = headerShape(dispatchOptions.headers);
    const repeatable =
      replayable(dispatchOptions.body) && (isIdempotentMethod(method) || getHeader(headers, keyHeader) !== undefined);
    const policies: Policy[] = [];
    if (opts.retry !== undefined) policies.push(opts.retry);
    if (breakers !== undefined) policies.push(breakers.for(origin));
    if (opts.rateLimit !== undefined) policies.push(opts.rateLimit);
    policies.push(...extra);

    const cancel = new AbortController();
    let current: Controller | undefined;
    let started = false;
    // The handler sees one controller for the whole logical request; it follows the current attempt.
    const proxy: Controller = {
      get aborted() {
        return cancel.signal.aborted;
      },
      get paused() {
        return current?.paused ?? false;
      },
      get reason() {
        return (cancel.signal.reason as Error | undefined) ?? null;
      },
      abort(reason: Error) {
        cancel.abort(reason);
        current?.abort(reason);
      },
      pause: () => current?.pause(),
      resume: () => current?.resume(),
    };
    const start = () => {
      if (!started) {
        started = true;
        handler.onRequestStart?.(proxy, {});
      }
    };
    let maybeSent = false;

    const attempt = (_ctx: ExecutionContext) =>
      new Promise<void>((resolve, reject) => {
        if (!repeatable && maybeSent) {
          reject(markNonRetryable(new Error('a non-repeatable request may have reached the server')));
          return;
        }
        maybeSent = true;
        let forwarding = false;
        let failure: HttpError | undefined;
        dispatch(dispatchOptions, {
          onRequestStart(controller) {
            current = controller;
            if (cancel.signal.aborted) controller.abort(cancel.signal.reason as Error);
            // The handler gets its (proxy) controller at once, so it can abort during a backoff.
            start();
          },
          onRequestUpgrade(controller, statusCode, upgradeHeaders, socket) {
            start();
            handler.onRequestUpgrade?.(controller, statusCode, upgradeHeaders, socket);
          },
          onResponseStart(_controller, statusCode, responseHeaders, statusMessage) {
            const now = wallClock();
            const record = responseHeaders as Record<string, string | string[]>;
            const retryAfterMs =
              isRetryableStatus(statusCode) || penalize !== undefined ? retryAfterMsOf(record, now) : undefined;
            applyLimiterHints(penalize, record, retryAfterMs, now, maxRetryAfterMs);
            if (repeatable && isRetryableStatus(statusCode)) {
              failure = new HttpError({
                method,
                url: `${origin}${dispatchOptions.path}`,
                status: statusCode,
                headers: record,
                bodyExcerpt: '',
                attempts: 0,
                retryAfterMs,
              });
              if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) markNonRetryable(failure);
              return;
            }
            forwarding = true;
            start();
            handler.onResponseStart?.(proxy, statusCode, responseHeaders, statusMessage);
          },
          onResponseData(_controller, chunk) {
            if (forwarding) handler.onResponseData?.(proxy, chunk);
          },
          onResponseEnd(_controller, trailers) {
            if (forwarding) {
              handler.onResponseEnd?.(proxy, trailers);
              resolve();
            } else reject(failure);
          },
          onResponseError(_controller, error) {
            if (forwarding) {
              // Part of the response was delivered: it cannot be taken back and retried.
              handler.onResponseError?.(proxy, error);
              resolve();
              return;
            }
            const sentBefore = !isFailureBeforeSend(errorCodeOf(error));
            if (!sentBefore) maybeSent = false;
            reject(cancel.signal.aborted || (!repeatable && sentBefore) ? markNonRetryable(error) : error);
          },
        });
      });

    runThrough(policies, attempt, { signal: cancel.signal }).catch((error: unknown) => {
      start();
      const reason = error instanceof Error ? error : new Error(String(error));
      handler.onResponseError?.(proxy, reason);
    });
    return true;
  };
}
