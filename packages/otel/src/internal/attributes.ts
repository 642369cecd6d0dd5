import type { Attributes } from '@opentelemetry/api';

/*
 * Attribute values with bounded cardinality: a method outside the known set becomes `_OTHER`, the
 * server is a host and a port (never a URL), and an error type is a short code, never a message.
 * The attribute sets are cached and shared (frozen): a request records with objects made once.
 */

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** `http.request.method` as the semantic conventions define it: a known method, else `_OTHER`. */
export function methodAttribute(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER';
}

/** `server.address` and `server.port` of an origin (`scheme://host[:port]`). */
export interface Server {
  readonly address: string;
  readonly port: number;
}

export function serverOf(origin: string): Server {
  const url = new URL(origin);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { address: host, port };
}

/** A bounded cache: cleared when full (the keys are method × origin × outcome, few in practice). */
class Cache<V> {
  readonly #map = new Map<string, V>();
  get(key: string, make: () => V): V {
    let value = this.#map.get(key);
    if (value === undefined) {
      value = make();
      if (this.#map.size >= 2_048) this.#map.clear();
      this.#map.set(key, value);
    }
    return value;
  }
}

const base = new Cache<Attributes>();
const outcomes = new Cache<Attributes>();

/** The attributes every HTTP metric point and span of a request has (shared, frozen). */
export function requestAttributes(method: string, origin: string): Attributes {
  return base.get(`${method} ${origin}`, () => {
    const server = serverOf(origin);
    return Object.freeze({
      'http.request.method': methodAttribute(method),
      'server.address': server.address,
      'server.port': server.port,
    });
  });
}

/**
 * The request's attributes plus its outcome: `http.response.status_code` when there was a
 * response, `error.type` when it failed (shared, frozen).
 */
export function outcomeAttributes(
  method: string,
  origin: string,
  status: number | undefined,
  error: string | undefined,
): Attributes {
  return outcomes.get(`${method} ${origin} ${status} ${error}`, () => {
    const attributes: Attributes = { ...requestAttributes(method, origin) };
    if (status !== undefined) attributes['http.response.status_code'] = status;
    if (error !== undefined) attributes['error.type'] = error;
    return Object.freeze(attributes);
  });
}

/**
 * `error.type`: the status code for an HTTP error (as the conventions ask), else a short code
 * such as `SENTINEL_NETWORK:ECONNRESET`, `SENTINEL_TIMEOUT:headers`, `SENTINEL_CIRCUIT_OPEN`
 * (the keys of the client's `status().failures`), else the error's name; `_OTHER` otherwise.
 */
export function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '_OTHER';
  const e = error as { code?: unknown; name?: unknown; status?: unknown; errorCode?: unknown; phase?: unknown };
  if (typeof e.status === 'number') return String(e.status);
  let type = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : '_OTHER';
  if (typeof e.errorCode === 'string') type += `:${e.errorCode}`;
  else if (typeof e.phase === 'string') type += `:${e.phase}`;
  return type.length > 64 ? type.slice(0, 64) : type;
}

/** `url.full` without credentials, query string or fragment: those can hold secrets. */
export function safeUrl(url: string): string {
  const end = url.search(/[?#]/);
  const bare = end < 0 ? url : url.slice(0, end);
  // Credentials sit before an '@' in the authority; only then is a full parse needed.
  const authority = bare.indexOf('/', bare.indexOf('//') + 2);
  if (!bare.slice(0, authority < 0 ? bare.length : authority).includes('@')) return bare;
  try {
    const parsed = new URL(bare);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '';
  }
}

/** `camelCase` → `snake_case`, for decision fields turned into attribute names. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');
}
