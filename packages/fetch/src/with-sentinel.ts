import { isRetryableStatusError, type RetryableStatusError, resolveAdapterOptions } from '@sentinel/http/adapter';
import { callerSignalOf, FetchCall, throwIfAborted } from './fetch-call.ts';
import type { FetchInput, FetchLike, SentinelFetchOptions, SentinelRequestInit } from './options.ts';

/** A function with `fetch`'s signature; `init.sentinel` adds per-request overrides. */
export type SentinelFetch = (input: FetchInput, init?: SentinelRequestInit) => Promise<Response>;

/**
 * Wraps `fetchImpl` (the global `fetch`, undici's, a polyfill) in Sentinel policies, composed as
 * retry → breaker → rate limit → `policies` → per-attempt timeout. The result has `fetch`'s exact
 * signature and its semantics: it resolves with a `Response` for any HTTP status, including the
 * last 503 when retries run out, and rejects for network errors, aborts, and refusals by a policy
 * (an open circuit, a full queue).
 *
 * Safe by default: a request is sent again after it may have reached the server only when its
 * method is idempotent or it carries an idempotency key; a stream body is sent once. Responses that
 * are not handed back have their bodies cancelled before the next attempt.
 *
 * @throws ConfigError at construction for an invalid option.
 */
export function withSentinel(fetchImpl: FetchLike, options?: SentinelFetchOptions): SentinelFetch {
  if (typeof fetchImpl !== 'function') {
    throw new TypeError(`withSentinel: fetchImpl must be a fetch function; received ${typeof fetchImpl}`);
  }
  const resolved = resolveAdapterOptions('withSentinel', options, ['fetch']);
  return async (input, init) => {
    // An already-aborted request is never sent, takes no permit and counts for no breaker: it
    // rejects with the signal's reason, as fetch does, even around a fetch that ignores signals.
    throwIfAborted(callerSignalOf(input, init));
    if (init?.sentinel === false) {
      const { sentinel: _, ...plain } = init;
      return fetchImpl(input, plain);
    }
    const call = new FetchCall(fetchImpl, input, init, resolved);
    try {
      return await resolved.stack.execute((context) => call.attempt(context), { signal: call.signal });
    } catch (error) {
      // The policies gave up on a "try again later" status: hand back that response, as fetch does.
      if (isRetryableStatusError(error)) return call.claim((error as RetryableStatusError<Response>).response);
      throw error;
    } finally {
      call.finish();
    }
  };
}

/** Options of {@link sentinelFetch}: those of {@link withSentinel}, plus the fetch to wrap. */
export interface SentinelFetchFactoryOptions extends SentinelFetchOptions {
  /** The fetch to wrap. @default globalThis.fetch */
  readonly fetch?: FetchLike | undefined;
}

/** {@link withSentinel} around `options.fetch`, or the platform's global `fetch`. */
export function sentinelFetch(options: SentinelFetchFactoryOptions = {}): SentinelFetch {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return withSentinel(fetchImpl, options);
}
