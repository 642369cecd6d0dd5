import { describe, expect, it } from 'vitest';
import * as client from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/client', () => {
    expect(Object.keys(client).sort()).toMatchInlineSnapshot(`
      [
        "ClientClosedError",
        "ClientResponse",
        "HttpError",
        "InvalidRequestError",
        "MAX_ENCODINGS",
        "NetworkError",
        "RedirectError",
        "RequestTimeoutError",
        "ResponseDecodeError",
        "ResponseTooLargeError",
        "UnsafeRetryError",
        "createClient",
        "formatTrace",
        "isHttpError",
        "isInvalidRequestError",
        "isNetworkError",
        "isRedirectError",
        "isResponseTooLargeError",
        "sentinelInterceptor",
        "traceOf",
      ]
    `);
  });
});
