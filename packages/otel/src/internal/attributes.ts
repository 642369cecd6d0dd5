import type { Attributes } from '@opentelemetry/api';

/*
 * Attribute values with bounded cardinality: a method outside the known set becomes `_OTHER`, the
 * server is a host and a port (never a URL), and an error type is a short code, never a message.
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

/** `server.address` and `server.port` of an origin (`scheme://host[:port]`), cached, bounded. */
export interface Server {
  readonly address: string;
  readonly port: number;
}

const servers = new Map<string, Server>();
const MAX_SERVERS = 1_024;

export function serverOf(origin: string): Server {
  let server = servers.get(origin);
  if (server === undefined) {
    const url = new URL(origin);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    server = { address: host, port };
    if (servers.size >= MAX_SERVERS) servers.clear();
    servers.set(origin, server);
  }
  return server;
}

/** The attributes every HTTP metric point and span of a request has. */
export function requestAttributes(method: string, origin: string): Attributes {
  const server = serverOf(origin);
  return {
    'http.request.method': methodAttribute(method),
    'server.address': server.address,
    'server.port': server.port,
  };
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
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '';
  }
}

/** `camelCase` → `snake_case`, for decision fields turned into attribute names. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, '_');
}
