import { describe, expect, it } from 'vitest';
import * as http from './index.ts';

// The public surface changes only on purpose: update this list in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/http', () => {
    expect(Object.keys(http).sort()).toMatchInlineSnapshot(`
      [
        "CREDENTIAL_HEADERS",
        "IDEMPOTENT_METHODS",
        "MAX_RETRY_AFTER_SECONDS",
        "RETRYABLE_ERROR_CODES",
        "RETRYABLE_STATUSES",
        "errorCodeOf",
        "forEachHeader",
        "getHeader",
        "hasForbiddenChars",
        "headerEntries",
        "isCredentialHeader",
        "isFailureBeforeSend",
        "isIdempotentMethod",
        "isRedirectStatus",
        "isRetryableErrorCode",
        "isRetryableStatus",
        "isSafeMethod",
        "isSameOrigin",
        "isValidHeaderName",
        "isValidHeaderValue",
        "isValidMethod",
        "parseHttpDate",
        "parseRateLimit",
        "parseRetryAfter",
        "resolveRedirect",
        "stripCredentials",
        "withoutHeaders",
      ]
    `);
  });
});
