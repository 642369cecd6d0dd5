import { errorCodeOf, isFailureBeforeSend } from '@sentinel/http';
import { NetworkError, RequestTimeoutError } from '../errors.ts';

/**
 * Turns an undici or socket failure into a Sentinel error. An abort is rethrown as the signal's
 * own reason (the caller's, or the total deadline's `RequestTimeoutError`), never wrapped.
 */
export function mapTransportError(
  error: unknown,
  url: string,
  signal: AbortSignal | undefined,
  timeouts: { connectMs: number; headersMs: number; bodyIdleMs: number },
): unknown {
  if (signal?.aborted) return signal.reason;
  // Our own errors (a closed client destroying its dispatcher, a limit) pass through as they are.
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string' && own.startsWith('SENTINEL_')) return error;
  const code = errorCodeOf(error);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new RequestTimeoutError('connect', timeouts.connectMs, url, { cause: error });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new RequestTimeoutError('headers', timeouts.headersMs, url, { cause: error });
    case 'UND_ERR_BODY_TIMEOUT':
      return new RequestTimeoutError('body', timeouts.bodyIdleMs, url, { cause: error });
    default:
      return new NetworkError(url, code, !isFailureBeforeSend(code), error);
  }
}

/** Whether a mapped failure happened before the request could reach the server. */
export function failedBeforeSend(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return error.phase === 'connect';
  if (error instanceof NetworkError) return !error.maybeSent;
  return false;
}
