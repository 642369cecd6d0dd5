import { readExcerpt } from '../response/decode.ts';
import type { ClientResponse } from '../response/response.ts';
import type { RequestTrace } from '../trace/request-trace.ts';
import { detachResponse, httpErrorOf } from './carried-response.ts';
import type { RequestRun } from './run-request.ts';
import type { Counters } from './status.ts';

/**
 * A status >= 400 with throwOnHttpError (one the transport did not already throw as retryable):
 * rejects with the HttpError, with an excerpt of a streamed body, and ends the request's
 * bookkeeping. A function, not a closure per request: most requests never get here.
 */
export async function rejectStatus(
  response: ClientResponse,
  method: string,
  run: RequestRun,
  counters: Counters,
  trace: RequestTrace | undefined,
): Promise<never> {
  const excerpt = response.body === null ? undefined : await readExcerpt(response.body, 1024);
  run.finish();
  const error = httpErrorOf(response, method, undefined, excerpt);
  detachResponse(error);
  counters.fail(error);
  trace?.end(undefined, error, run.attempts);
  throw error;
}
