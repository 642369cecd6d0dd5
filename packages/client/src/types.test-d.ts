import { expectTypeOf } from 'vitest';
import type { Client, ClientResponse, HttpError, RequestTimeoutError, TimeoutPhase } from './index.ts';

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
