import { type HeadersInit, hasForbiddenChars, isValidHeaderName, isValidMethod } from '@sentinel/http';
import { InvalidRequestError } from '../errors.ts';
import { describeType } from './describe-type.ts';

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
