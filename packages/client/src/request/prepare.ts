import { Readable } from 'node:stream';
import { type HeadersInit, hasForbiddenChars, isValidHeaderName, isValidMethod } from '@sentinel/http';
import { InvalidRequestError } from '../errors.ts';

/** A query string as an object: arrays repeat the key; `undefined` and `null` are skipped. */
export type Query = Readonly<
  Record<string, string | number | boolean | null | undefined | readonly (string | number | boolean)[]>
>;

/** What a request body may be. Strings, bytes, `URLSearchParams` and `json` can be sent again on a retry; streams cannot. */
export type RequestBody =
  | string
  | Uint8Array
  | ArrayBuffer
  | URLSearchParams
  | FormData
  | Blob
  | Readable
  | AsyncIterable<Uint8Array>;

/** A request ready for the transport: validated, URL resolved, headers as lower-case pairs. */
export interface PreparedRequest {
  method: string;
  url: URL;
  /** `url.origin` and `url.pathname + url.search`, computed once (the getters allocate). */
  origin: string;
  path: string;
  headers: [string, string][];
  /** `headers` flattened for undici, when precomputed (the client's defaults, shared). */
  flatHeaders?: string[] | undefined;
  body: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null;
  /** Whether the body can be sent again (a retry, a 307/308 redirect). */
  replayable: boolean;
}

/**
 * Resolves `input` against `baseUrl`. A path is appended to the base path (`/api` + `users` →
 * `/api/users`, with or without a leading slash). An absolute URL, `//host` or `/\host` is
 * refused unless `allowAbsoluteUrls` is set, and whatever the input (`..` segments included) the
 * resolved URL must stay on the base origin: the check is made on the result, not only on the
 * input's spelling, so no parser quirk lets a path escape.
 */
export function resolveUrl(
  baseUrl: URL | undefined,
  input: string | URL,
  allowAbsoluteUrls: boolean,
  query?: Query | URLSearchParams,
): URL {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (input instanceof URL) text = input.href;
  else throw new InvalidRequestError('url', `the URL must be a string or a URL, not ${describeType(input)}`);
  // The URL parser silently strips CR, LF and tabs: refuse them before it can.
  if (hasForbiddenChars(text) || text.includes('\t')) {
    throw new InvalidRequestError('url', 'the URL contains CR, LF, NUL or TAB');
  }
  let url: URL;
  try {
    if (baseUrl === undefined) url = new URL(text);
    else if (allowAbsoluteUrls && /^[a-z][a-z0-9+.-]*:/i.test(text)) url = new URL(text);
    else if (/^[/\\]{2}/.test(text) || /^[a-z][a-z0-9+.-]*:/i.test(text)) {
      // Absolute and protocol-relative inputs (and their backslash spellings, which the URL
      // parser treats the same) name an origin: only allowed when asked for.
      if (!allowAbsoluteUrls)
        throw new InvalidRequestError('url', `absolute URL ${JSON.stringify(text.slice(0, 200))} with a baseUrl`);
      url = new URL(text, baseUrl);
    } else {
      const base = baseUrl.href.endsWith('/') ? baseUrl.href : `${baseUrl.href}/`;
      url = new URL(text.replace(/^[/\\]+/, ''), base);
    }
  } catch (cause) {
    throw Object.assign(new InvalidRequestError('url', `invalid URL ${JSON.stringify(text.slice(0, 200))}`), { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError('url', `only http and https URLs are supported, not ${url.protocol}`);
  }
  if (baseUrl !== undefined && !allowAbsoluteUrls && url.origin !== baseUrl.origin) {
    throw new InvalidRequestError('url', `${url.origin} is outside the base URL's origin ${baseUrl.origin}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidRequestError('url', 'credentials in the URL are not sent; use an authorization header');
  }
  if (query !== undefined) appendQuery(url, query);
  return url;
}

/**
 * Appends `query` (a plain object, or `URLSearchParams`) to `url`. Values may be strings, numbers,
 * booleans or bigints, or arrays of them (the key repeats); `undefined` and `null` are skipped.
 * Anything else (an object, a function, a symbol) is an {@link InvalidRequestError} naming the key:
 * `String()` of it would send `[object Object]` or run user code.
 */
function appendQuery(url: URL, query: Query | URLSearchParams): void {
  if (query instanceof URLSearchParams) {
    for (const [key, value] of query) url.searchParams.append(key, value);
    return;
  }
  if (typeof query !== 'object' || query === null || Array.isArray(query)) {
    throw new InvalidRequestError(
      'query',
      `the query must be an object or URLSearchParams, not ${describeType(query)}`,
    );
  }
  for (const key of Object.keys(query)) {
    const value: unknown = query[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (item !== undefined && item !== null) url.searchParams.append(key, queryValue(key, item));
      }
    } else url.searchParams.append(key, queryValue(key, value));
  }
}

function queryValue(key: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      throw new InvalidRequestError(
        'query',
        `the query value of "${key}" must be a string, number, boolean or bigint (or an array of them), not ${describeType(value)}`,
      );
  }
}

/**
 * Validates the method and merges `defaults` and `headers` (any shape, any case) into lower-case
 * pairs, later values replacing earlier ones of the same name. Throws an
 * {@link InvalidRequestError} for a name that is not a token or a value with CR, LF or NUL:
 * header injection is stopped before any connection is opened.
 */
export function prepareHeaders(
  method: string,
  defaults: readonly [string, string][],
  headers: HeadersInit | undefined,
): [string, string][] {
  if (!isValidMethod(method)) throw new InvalidRequestError('method', `invalid method ${JSON.stringify(method)}`);
  // No headers of its own: the defaults themselves (callers copy before adding to them).
  if (headers === undefined) return defaults as [string, string][];
  const merged = new Map<string, string>(defaults);
  const seen = new Set<string>();
  forEachHeaderValue(headers, (name, value) => {
    // Within one headers object repeated names combine; over the defaults they replace.
    const previous = seen.has(name) ? merged.get(name) : undefined;
    merged.set(name, previous === undefined ? value : `${previous}, ${value}`);
    seen.add(name);
  });
  return [...merged];
}

/** `headers` of any shape as validated `[name, value]` pairs with lower-case names, in order. */
export function headerPairs(headers: HeadersInit | undefined): [string, string][] {
  const pairs: [string, string][] = [];
  forEachHeaderValue(headers, (name, value) => {
    pairs.push([name, value]);
  });
  return pairs;
}

function isHeadersLike(value: object): value is { forEach(fn: (value: unknown, name: unknown) => void): void } {
  return (
    typeof (value as { get?: unknown }).get === 'function' &&
    typeof (value as { forEach?: unknown }).forEach === 'function' &&
    !(value instanceof Map)
  );
}

/**
 * Calls `visit(lowerCaseName, value)` for every header of `headers` (a plain object, pairs, a
 * `Map`, a `Headers`), as JavaScript users write them: a value that is not a string (a number,
 * an object) is converted with `String()`, array values are joined with `", "`, `undefined` and
 * `null` are skipped. Names and the converted values are validated: anything refused (a name
 * that is not a token, CR/LF/NUL in a value, a value whose conversion throws, a malformed pair)
 * is an {@link InvalidRequestError} naming the header.
 */
function forEachHeaderValue(headers: HeadersInit | undefined, visit: (name: string, value: string) => void): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== 'object') {
    throw new InvalidRequestError(
      'headers',
      `headers must be an object, an array of [name, value] pairs, a Map or a Headers, not ${describeType(headers)}`,
    );
  }
  const one = (name: unknown, value: unknown) => {
    if (typeof name !== 'string' || !isValidHeaderName(name)) {
      throw new InvalidRequestError(
        'header-name',
        `invalid header name ${typeof name === 'string' ? JSON.stringify(name) : describeType(name)}`,
      );
    }
    const text = headerValue(name, value);
    if (text !== undefined) visit(name.toLowerCase(), text);
  };
  if (isHeadersLike(headers)) {
    headers.forEach((value, name) => {
      one(name, value);
    });
    return;
  }
  if (headers instanceof Map || Symbol.iterator in headers) {
    for (const entry of headers as Iterable<unknown>) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new InvalidRequestError('headers', 'header pairs must be [name, value] arrays');
      }
      one(entry[0], entry[1]);
    }
    return;
  }
  for (const name of Object.keys(headers)) one(name, (headers as Record<string, unknown>)[name]);
}

/** A header value as text, `undefined` to skip it; see {@link forEachHeaderValue}. */
function headerValue(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    text = '';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined || item === null) {
        throw new InvalidRequestError('header-value', `the value of header "${name}" holds ${String(item)}`);
      }
      text += (i === 0 ? '' : ', ') + (typeof item === 'string' ? item : coerce(name, item));
    }
  } else text = coerce(name, value);
  if (hasForbiddenChars(text)) {
    throw new InvalidRequestError('header-value', `the value of header "${name}" contains CR, LF or NUL`);
  }
  return text;
}

function coerce(name: string, value: unknown): string {
  try {
    return String(value);
  } catch (cause) {
    throw Object.assign(
      new InvalidRequestError('header-value', `the value of header "${name}" cannot be converted to a string`),
      { cause },
    );
  }
}

/** `number`, `object`, `null`, `array`: what a wrong value is, for messages (never its text). */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

const NO_BODY: Pick<PreparedRequest, 'body' | 'replayable'> = Object.freeze({ body: null, replayable: true });

/** Encodes the body and sets its content-type (unless given). */
export function prepareBody(
  headers: [string, string][],
  body: RequestBody | undefined,
  json: unknown,
  hasJson: boolean,
): Pick<PreparedRequest, 'body' | 'replayable'> {
  const setType = (type: string) => {
    if (!headers.some(([name]) => name === 'content-type')) headers.push(['content-type', type]);
  };
  if (hasJson) {
    if (body !== undefined) throw new InvalidRequestError('body', 'give either "body" or "json", not both');
    let text: string | undefined;
    try {
      text = JSON.stringify(json);
    } catch (cause) {
      // A BigInt, a cycle, a toJSON that throws.
      throw Object.assign(
        new InvalidRequestError('body', `the "json" value is not serializable: ${(cause as Error)?.message}`),
        { cause },
      );
    }
    if (text === undefined) throw new InvalidRequestError('body', 'the "json" value is not serializable');
    setType('application/json');
    return { body: text, replayable: true };
  }
  if (body === undefined || body === null) return NO_BODY;
  if (typeof body === 'string') {
    setType('text/plain;charset=UTF-8');
    return { body, replayable: true };
  }
  if (body instanceof Uint8Array) return { body, replayable: true };
  if (body instanceof ArrayBuffer) return { body: new Uint8Array(body), replayable: true };
  if (body instanceof URLSearchParams) {
    setType('application/x-www-form-urlencoded;charset=UTF-8');
    return { body: body.toString(), replayable: true };
  }
  // FormData and Blob are encoded to bytes by the client before they get here.
  if (body instanceof FormData || body instanceof Blob) {
    throw new InvalidRequestError('body', 'FormData and Blob bodies must be encoded first');
  }
  if (body instanceof Readable || isAsyncIterable(body)) return { body, replayable: false };
  throw new InvalidRequestError(
    'body',
    `unsupported body type (${describeType(body)}): give a string, bytes, ArrayBuffer, URLSearchParams, FormData, Blob, Readable or async iterable, or use "json"`,
  );
}
