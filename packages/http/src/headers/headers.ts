/*
 * Headers arrive in every shape JavaScript code uses: a plain object (any letter case, string or
 * array values), an array of pairs, a WHATWG `Headers`, a `Map`. Every rule in this package
 * (credentials, redirects, rate limits) must hold whatever the shape, so they all read headers
 * through these functions.
 */

/** A header value as plain objects carry it (Node's `IncomingHttpHeaders`, undici's). */
export type HeaderValue = string | number | readonly string[] | undefined | null;

/** Anything with a WHATWG `Headers`-like surface. */
export interface HeadersLike {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

/** Every header shape the functions of this package accept. */
export type HeadersInit =
  | HeadersLike
  | ReadonlyMap<string, HeaderValue>
  | Iterable<readonly [string, string]>
  | Readonly<Record<string, HeaderValue>>;

// RFC 9110 §5.6.2 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;

/** Whether `name` is a valid header field name (an RFC 9110 token). */
export function isValidHeaderName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Whether `value` may be sent as a header value: no CR, LF or NUL. Those characters would end the
 * header early and let the rest be read as new headers or a new request (header injection).
 */
export function isValidHeaderValue(value: string): boolean {
  return !FORBIDDEN_IN_VALUE.test(value);
}

/** Whether `text` contains CR, LF or NUL, the characters that split an HTTP/1.1 message. */
export function hasForbiddenChars(text: string): boolean {
  return FORBIDDEN_IN_VALUE.test(text);
}

function isHeadersLike(value: unknown): value is HeadersLike {
  return (
    typeof (value as HeadersLike).get === 'function' &&
    typeof (value as HeadersLike).forEach === 'function' &&
    !(value instanceof Map)
  );
}

function join(name: string, value: HeaderValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    let joined = '';
    for (let i = 0; i < value.length; i++) joined += (i === 0 ? '' : ', ') + text(name, value[i]);
    return joined;
  }
  return text(name, value);
}

// A value of another type (a number, an object from untyped code) is read as `String(value)`, as
// `Headers` does; a `toString` that throws becomes a TypeError that names the header.
function text(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch (cause) {
    throw new TypeError(`header "${name}": its value cannot be read as a string`, { cause });
  }
}

/**
 * Calls `visit(name, value)` for every header in `headers`, whatever its shape. Names are passed
 * as given (not lower-cased); array values are joined with `", "`; `undefined` and `null` values
 * are skipped; any other value is read with `String()` (as `Headers` does), and a value whose
 * `toString` throws is a `TypeError` naming the header.
 */
export function forEachHeader(headers: HeadersInit | undefined, visit: (name: string, value: string) => void): void {
  if (headers === undefined || headers === null) return;
  if (isHeadersLike(headers)) {
    headers.forEach((value, name) => {
      visit(name, value);
    });
    return;
  }
  if (headers instanceof Map || Symbol.iterator in headers) {
    for (const entry of headers as Iterable<readonly [string, HeaderValue]>) {
      const value = join(entry[0], entry[1]);
      if (value !== undefined) visit(entry[0], value);
    }
    return;
  }
  for (const name of Object.keys(headers)) {
    const value = join(name, (headers as Record<string, HeaderValue>)[name]);
    if (value !== undefined) visit(name, value);
  }
}

/**
 * The value of header `name` (case-insensitive) in `headers` of any shape; several fields with
 * that name are joined with `", "`. `undefined` when absent.
 */
export function getHeader(headers: HeadersInit | undefined, name: string): string | undefined {
  if (headers === undefined || headers === null) return undefined;
  const wanted = name.toLowerCase();
  if (isHeadersLike(headers)) return headers.get(wanted) ?? undefined;
  let found: string | undefined;
  forEachHeader(headers, (key, value) => {
    if (key.toLowerCase() === wanted) found = found === undefined ? value : `${found}, ${value}`;
  });
  return found;
}

/** `headers` of any shape as `[name, value]` pairs with lower-case names, in order. */
export function headerEntries(headers: HeadersInit | undefined): [string, string][] {
  const entries: [string, string][] = [];
  forEachHeader(headers, (name, value) => {
    entries.push([name.toLowerCase(), value]);
  });
  return entries;
}
