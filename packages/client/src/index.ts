/**
 * `@sentinel/client`: a resilient HTTP client on undici — safe retries (only what may be
 * repeated), per-origin circuit breakers, rate limits that listen to the server, phase timeouts
 * with a total deadline, bounded and decoded responses, safe redirects — with any Sentinel
 * policies plugged in as values.
 */
export { type Client, createClient } from './client/client.ts';
export type {
  AttemptMessage,
  DecisionMessage,
  EndMessage,
  ErrorMessage,
  RequestInfo,
  RequestMessage,
  ResponseMessage,
  StartMessage,
} from './client/diagnostics.ts';
export type { BreakerSource, ClientOptions, PolicyOptions, RequestOptions, Timeouts } from './client/options.ts';
export type { ClientStatus } from './client/status.ts';
export {
  ClientClosedError,
  HttpError,
  type HttpErrorDetails,
  InvalidRequestError,
  isHttpError,
  isInvalidRequestError,
  isNetworkError,
  isRedirectError,
  isResponseTooLargeError,
  NetworkError,
  RedirectError,
  type RedirectFailure,
  RequestTimeoutError,
  ResponseDecodeError,
  ResponseTooLargeError,
  type TimeoutPhase,
  UnsafeRetryError,
} from './errors.ts';
export { type SentinelInterceptorOptions, sentinelInterceptor } from './interceptor/interceptor.ts';
export type { Query, RequestBody } from './request/prepare.ts';
export { MAX_ENCODINGS } from './response/decode.ts';
export { ClientResponse, type Timings } from './response/response.ts';
export { formatTrace } from './trace/format-trace.ts';
export { type NotRetriedReason, type Trace, type TraceEntry, traceOf } from './trace/trace.ts';
