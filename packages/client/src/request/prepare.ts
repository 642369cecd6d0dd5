import { Readable } from 'node:stream';
import { hasForbiddenChars } from '@sentinel/http';
import { InvalidRequestError } from '../errors.ts';
import { describeType } from './describe-type.ts';

export { describeType } from './describe-type.ts';
export { headerPairs, prepareHeaders } from './headers.ts';

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
