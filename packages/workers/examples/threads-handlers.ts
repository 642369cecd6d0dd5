// threads-handlers.ts: the module every pool thread loads.
import { createHash } from 'node:crypto';
import { type Client, createClient } from '@sentinel/client';
import { rateLimit, sharedTokenBucket } from '@sentinel/ratelimit';
import type { ThreadTaskContext } from '@sentinel/workers';

interface Data {
  readonly baseUrl: string;
  readonly rateLimit: SharedArrayBuffer;
}

/** Once per thread: its own client, drawing on the one rate limit all threads share. */
export function setup(_index: number, data: Data) {
  const limiter = sharedTokenBucket.attach(data.rateLimit);
  return { client: createClient({ baseUrl: data.baseUrl, rateLimit: rateLimit({ limiter }) }) };
}

/** Fetches a page, then does the CPU-heavy part (here: hashing it) off the main thread. */
export async function fingerprint(path: string, state: { client: Client }, ctx: ThreadTaskContext) {
  const response = await state.client.get(path, { signal: ctx.signal });
  const body = await response.bytes();
  return { path, status: response.status, sha256: createHash('sha256').update(body).digest('hex') };
}
