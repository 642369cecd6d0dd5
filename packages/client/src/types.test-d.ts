import { expectTypeOf } from 'vitest';
import {
  type Client,
  type ClientResponse,
  type EndMessage,
  formatTrace,
  type HttpError,
  type RequestOptions,
  type RequestTimeoutError,
  type TimeoutPhase,
  type Trace,
  type TraceEntry,
  traceOf,
} from './index.ts';

declare const client: Client;

expectTypeOf(client.get('/x')).toEqualTypeOf<Promise<ClientResponse>>();
expectTypeOf(client.request('PROPFIND', '/x')).toEqualTypeOf<Promise<ClientResponse>>();
declare const response: ClientResponse;
expectTypeOf(response.json<{ id: string }>()).toEqualTypeOf<Promise<{ id: string }>>();
expectTypeOf(response.bytes()).toEqualTypeOf<Promise<Uint8Array>>();
declare const httpError: HttpError;
expectTypeOf(httpError.code).toEqualTypeOf<'SENTINEL_HTTP_ERROR'>();
expectTypeOf(httpError.status).toEqualTypeOf<number>();
declare const timeoutError: RequestTimeoutError;
expectTypeOf(timeoutError.phase).toEqualTypeOf<TimeoutPhase>();
expectTypeOf(timeoutError.code).toEqualTypeOf<'SENTINEL_TIMEOUT'>();
// @ts-expect-error: options are checked, a typo does not compile
client.get('/x', { querry: { a: 1 } });

// The decision trace: optional on responses and HttpErrors, readable from any error, printable.
expectTypeOf(response.trace).toEqualTypeOf<Trace | undefined>();
expectTypeOf(httpError.trace).toEqualTypeOf<Trace | undefined>();
expectTypeOf(traceOf).parameter(0).toEqualTypeOf<unknown>();
expectTypeOf(traceOf(new Error('x'))).toEqualTypeOf<Trace | undefined>();
expectTypeOf(formatTrace).toEqualTypeOf<(trace: Trace) => string>();
expectTypeOf<TraceEntry['at']>().toEqualTypeOf<number>();
expectTypeOf<RequestOptions['trace']>().toEqualTypeOf<boolean | undefined>();
expectTypeOf<EndMessage['durationMs']>().toEqualTypeOf<number>();
// @ts-expect-error: a trace is read-only
response.trace = [];
