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

/**
 * The attribute sets of one method and origin: the request's own, and one per outcome (a status,
 * or an error type), each made once and shared (frozen), so recording allocates nothing.
 */
export class AttributeSet {
  readonly base: Attributes;
  /** The span name: `HTTP {method}`, or `HTTP` for a method outside the known set. */
  readonly spanName: string;
  readonly #byStatus = new Map<number, Attributes>();
  readonly #byError = new Map<string, Attributes>();
  readonly #byUrl = new Map<string, Attributes>();

  constructor(method: string, origin: string) {
    const server = serverOf(origin);
    const known = methodAttribute(method);
    this.spanName = known === '_OTHER' ? 'HTTP' : `HTTP ${known}`;
    this.base = Object.freeze({
      'http.request.method': known,
      'server.address': server.address,
      'server.port': server.port,
    });
  }

  /**
   * A request span's attributes: `base` and `url.full` (see {@link safeUrl}), cached per URL
   * (a client calling the same URLs again reuses them; a bounded number are kept).
   */
  forRequest(url: string): Attributes {
    let attributes = this.#byUrl.get(url);
    if (attributes === undefined) {
      attributes = Object.freeze({ ...this.base, 'url.full': safeUrl(url) });
      bounded(this.#byUrl, MAX_URLS).set(url, attributes);
    }
    return attributes;
  }

  /** With `http.response.status_code`, and `error.type` (the code) for a status >= 400. */
  withStatus(status: number): Attributes {
    let attributes = this.#byStatus.get(status);
    if (attributes === undefined) {
      attributes = Object.freeze(
        status >= 400
          ? { ...this.base, 'http.response.status_code': status, 'error.type': String(status) }
          : { ...this.base, 'http.response.status_code': status },
      );
      bounded(this.#byStatus).set(status, attributes);
    }
    return attributes;
  }

  /** With `error.type`, for a failure without a response. */
  withError(type: string): Attributes {
    let attributes = this.#byError.get(type);
    if (attributes === undefined) {
      attributes = Object.freeze({ ...this.base, 'error.type': type });
      bounded(this.#byError).set(type, attributes);
    }
    return attributes;
  }
}

const MAX_ENTRIES = 1_024;
/** Per method and origin: at most 1,024 sets of 128 URLs each are kept. */
const MAX_URLS = 128;

function bounded<K, V>(map: Map<K, V>, max = MAX_ENTRIES): Map<K, V> {
  if (map.size >= max) map.clear();
  return map;
}

// By origin, then method: two lookups of strings the client reuses, no key built per request.
const sets = new Map<string, Map<string, AttributeSet>>();
let setCount = 0;

/** The shared {@link AttributeSet} of `method` and `origin` (cached, bounded). */
export function attributeSet(method: string, origin: string): AttributeSet {
  let byMethod = sets.get(origin);
  let set = byMethod?.get(method);
  if (set !== undefined) return set;
  if (setCount >= MAX_ENTRIES) {
    sets.clear();
    setCount = 0;
    byMethod = undefined;
  }
  if (byMethod === undefined) {
    byMethod = new Map();
    sets.set(origin, byMethod);
  }
  set = new AttributeSet(method, origin);
  byMethod.set(method, set);
  setCount++;
  return set;
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
