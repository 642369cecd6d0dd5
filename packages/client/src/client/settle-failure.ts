/*
 * How a request whose policies rejected reaches its caller: the last response of a retryable
 * status when `throwOnHttpError` is false (whole, or the reason it is not), else the error,
 * counted and traced. Separate from client.ts because only failures get here: the success path
 * keeps its one handler and pays nothing for this one (its closure only forwards).
 */
import type { HttpError } from '../errors.ts';
import type { ClientResponse } from '../response/response.ts';
import type { RequestTrace } from '../trace/request-trace.ts';
import { bodyErrorOf, detachResponse, responseOf } from './carried-response.ts';
import type { RequestRun } from './run-request.ts';
import type { Counters } from './status.ts';

/** Ends a failed request's bookkeeping; returns the response the caller gets instead, or throws. */
export function settleFailure(
  error: unknown,
  run: RequestRun,
  throwOnHttpError: boolean,
  counters: Counters,
  trace: RequestTrace | undefined,
): ClientResponse {
  run.finish();
  const response = responseOf(error);
  if (response !== undefined) {
    const httpError = error as HttpError;
    httpError.attempts = run.attempts;
    // The last response of a retryable status: the caller gets it whole, or the reason it
    // is not (over maxResponseBytes, cut short), never a truncated body.
    const bodyError = throwOnHttpError ? undefined : bodyErrorOf(httpError);
    detachResponse(httpError);
    if (!throwOnHttpError) {
      if (bodyError === undefined) {
        trace?.end(response, undefined, run.attempts);
        return response;
      }
      error = bodyError;
    }
  }
  counters.fail(error);
  trace?.end(undefined, error, run.attempts);
  throw error;
}
