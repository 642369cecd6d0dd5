import type { Policy } from '@sentinel/core';
import { expectTypeOf } from 'vitest';
import type { Client, ClientResponse } from '../index.ts';

declare const client: Client;
declare const someHedge: Policy;

// A hedge is any Policy, client-wide or per request (or false to opt out).
expectTypeOf(client.get('/x', { hedge: someHedge })).toEqualTypeOf<Promise<ClientResponse>>();
expectTypeOf(client.get('/x', { hedge: false })).toEqualTypeOf<Promise<ClientResponse>>();
// @ts-expect-error: per request, a hedge is a policy or false
client.get('/x', { hedge: true });
