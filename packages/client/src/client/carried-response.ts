/*
 * The response an HttpError carries: the client keeps the last response of a retryable status on
 * the error its attempt throws (policies see only errors), then either hands that response to a
 * caller with `throwOnHttpError: false` or drops it before the error leaves the client. Separate
 * from run-request.ts, which makes these errors: the client's settlement and rejectStatus read
 * and detach them too, and none of that is about running attempts.
 */
import { HttpError, isHttpError } from '../errors.ts';
import { BUFFERED, type ClientResponse } from '../response/response.ts';

// The buffered response behind an HttpError, for `throwOnHttpError: false`, and why its body is
// incomplete (too large, cut short), if it is: then the caller gets that error instead.
const RESPONSE = Symbol('response');
const BODY_ERROR = Symbol('bodyError');
const EXCERPT_BYTES = 1024;
const decoder = new TextDecoder();

/** The `HttpError` for `response`, with a 1 KiB excerpt of its (buffered) body. */
export function httpErrorOf(
  response: ClientResponse,
  method: string,
  retryAfterMs?: number,
  excerpt?: Uint8Array,
  bodyError?: unknown,
): HttpError {
  const bytes = excerpt ?? response[BUFFERED]() ?? new Uint8Array(0);
  const error = new HttpError({
    method,
    url: response.url,
    status: response.status,
    headers: response.headers,
    bodyExcerpt: decoder.decode(bytes.subarray(0, EXCERPT_BYTES)),
    attempts: response.attempts,
    retryAfterMs,
  });
  // Writable: the client drops it from the errors it hands to the caller (see detachResponse).
  Object.defineProperty(error, RESPONSE, { value: response, writable: true });
  if (bodyError !== undefined) Object.defineProperty(error, BODY_ERROR, { value: bodyError, writable: true });
  return error;
}

/** The response an HttpError carries, if any. */
export function responseOf(error: unknown): ClientResponse | undefined {
  return isHttpError(error) ? (error as unknown as { [RESPONSE]?: ClientResponse })[RESPONSE] : undefined;
}

/** Why the body of the response an HttpError carries is incomplete (too large, cut short), if it is. */
export function bodyErrorOf(error: HttpError): unknown {
  return (error as unknown as { [BODY_ERROR]?: unknown })[BODY_ERROR];
}

/**
 * Forgets the response an HttpError carries before the error reaches the caller: its documented
 * fields (status, headers, a 1 KiB excerpt) are all it promises, and a caller keeping errors
 * must not keep bodies of up to `maxResponseBytes` alive with them.
 */
export function detachResponse(error: HttpError): void {
  const holder = error as unknown as { [RESPONSE]?: ClientResponse | undefined; [BODY_ERROR]?: unknown };
  if (holder[RESPONSE] !== undefined) holder[RESPONSE] = undefined;
  if (holder[BODY_ERROR] !== undefined) holder[BODY_ERROR] = undefined;
}
