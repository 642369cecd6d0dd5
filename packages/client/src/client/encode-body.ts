import { headerPairs } from '../request/prepare.ts';
import type { RequestOptions } from './options.ts';
import { checkRequestOptions } from './prepare-exchange.ts';

/**
 * The request options with a FormData or Blob body encoded to bytes once, and the multipart
 * boundary (or the Blob's type) as content-type: undici's request API takes neither, and bytes
 * can be replayed on a retry. A Blob's type gives way to a content-type the caller set; a
 * FormData's boundary never does (the body would not parse without it).
 *
 * @throws InvalidRequestError (as a rejection) for invalid request options.
 */
export async function encodeBody(init: RequestOptions, body: FormData | Blob): Promise<RequestOptions> {
  const encoded = new Response(body);
  const type = encoded.headers.get('content-type');
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  checkRequestOptions(init);
  const headers = headerPairs(init.headers);
  if (type !== null && (body instanceof FormData || !headers.some(([name]) => name === 'content-type'))) {
    const kept = headers.filter(([name]) => name !== 'content-type');
    kept.push(['content-type', type]);
    return { ...init, headers: kept, body: bytes };
  }
  return { ...init, headers, body: bytes };
}
