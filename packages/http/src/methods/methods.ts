/*
 * Which requests may be sent again. RFC 9110 §9.2.2: PUT, DELETE and the safe methods are
 * idempotent; POST and PATCH are not, so a client may repeat them only when the server can
 * recognise the repeat (an Idempotency-Key).
 */

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
const SAFE: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
// RFC 9110 §5.6.2 token characters: a method is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The methods RFC 9110 calls idempotent, upper-case: GET, HEAD, OPTIONS, TRACE, PUT, DELETE. */
export const IDEMPOTENT_METHODS: readonly string[] = Object.freeze([...IDEMPOTENT]);

/**
 * Whether repeating `method` has the same effect on the server as sending it once. Method names
 * are case-sensitive (RFC 9110 §9.1), but the standard ones are compared upper-cased because
 * every client normalises them; an unknown method is never idempotent.
 */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** Whether `method` is safe (read-only): GET, HEAD, OPTIONS, TRACE. */
export function isSafeMethod(method: string): boolean {
  return SAFE.has(method.toUpperCase());
}

/** Whether `method` is a syntactically valid HTTP method (an RFC 9110 token: no spaces, CR, LF or NUL). */
export function isValidMethod(method: string): boolean {
  return TOKEN.test(method);
}
