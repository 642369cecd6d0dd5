import { stripCredentials, withoutHeaders } from '../headers/credentials.ts';
import type { HeadersInit } from '../headers/headers.ts';
import { isRedirectStatus } from '../status/status.ts';

/** The request that received a redirect, and how redirects may be followed. */
export interface RedirectInput {
  /** The redirect's status: 301, 302, 303, 307 or 308. */
  readonly status: number;
  /** The method of the request that was redirected. */
  readonly method: string;
  /** The URL of the request that was redirected. */
  readonly url: string | URL;
  /** The response's `Location` header. */
  readonly location: string | undefined;
  /** The headers of the request that was redirected, in any shape. */
  readonly headers?: HeadersInit | undefined;
  /** Extra header names (any case) that carry credentials and must not follow a cross-origin hop. */
  readonly sensitiveHeaders?: readonly string[] | undefined;
  /**
   * Follow a redirect from https to http. Off by default: it would send the rest of the exchange
   * (and any credentials a later hop adds) in clear text.
   * @default false
   */
  readonly allowHttpsToHttp?: boolean | undefined;
}

/** Why a redirect is not followed. */
export type RedirectRefusal =
  | 'not-a-redirect'
  | 'missing-location'
  | 'invalid-location'
  | 'unsupported-protocol'
  | 'https-to-http';

/** The next request to make, or why there is none. */
export type RedirectDecision =
  | {
      readonly follow: true;
      /** The absolute URL to request next. */
      readonly url: URL;
      /** The method of the next request (GET after a 303, or after a 301/302 of a POST). */
      readonly method: string;
      /** Whether the body is sent again (only 307/308 keep it). */
      readonly keepBody: boolean;
      /** The headers of the next request, lower-case pairs, with credentials removed on an origin change. */
      readonly headers: [string, string][];
      /** Whether scheme, host or port changed. */
      readonly crossOrigin: boolean;
    }
  | { readonly follow: false; readonly reason: RedirectRefusal };

// Headers that describe a body: meaningless once the body is dropped (fetch spec "request-body-header name").
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/** Whether two URLs share scheme, host and port (default ports normalised). */
export function isSameOrigin(a: string | URL, b: string | URL): boolean {
  const x = typeof a === 'string' ? new URL(a) : a;
  const y = typeof b === 'string' ? new URL(b) : b;
  return x.protocol === y.protocol && x.hostname === y.hostname && x.port === y.port;
}

/**
 * Decides how to follow a redirect, following the fetch standard and RFC 9110 §15.4:
 * - the `Location` is resolved against the request URL, and only `http:` and `https:` targets are
 *   followed;
 * - https → http is refused unless `allowHttpsToHttp` is set;
 * - 303 turns any method but HEAD into GET, and 301/302 turn POST into GET; the body and the
 *   headers describing it are dropped then; 307 and 308 keep method and body;
 * - on any change of scheme, host or port, `authorization`, `cookie`, `proxy-authorization` and
 *   every `sensitiveHeaders` name are removed, whatever shape and letter case the headers have.
 *
 * Counting hops and detecting loops is the caller's job: it owns the chain.
 */
export function resolveRedirect(input: RedirectInput): RedirectDecision {
  if (!isRedirectStatus(input.status)) return { follow: false, reason: 'not-a-redirect' };
  if (input.location === undefined || input.location.trim() === '') {
    return { follow: false, reason: 'missing-location' };
  }
  const from = typeof input.url === 'string' ? new URL(input.url) : input.url;
  let to: URL;
  try {
    to = new URL(input.location.trim(), from);
  } catch {
    return { follow: false, reason: 'invalid-location' };
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') return { follow: false, reason: 'unsupported-protocol' };
  if (from.protocol === 'https:' && to.protocol === 'http:' && input.allowHttpsToHttp !== true) {
    return { follow: false, reason: 'https-to-http' };
  }
  // A fragment-less Location inherits the original fragment (RFC 9110 §10.2.2).
  if (to.hash === '' && from.hash !== '') to.hash = from.hash;

  const method = input.method.toUpperCase();
  const toGet =
    (input.status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((input.status === 301 || input.status === 302) && method === 'POST');
  const nextMethod = toGet ? 'GET' : input.method;
  const keepBody = !toGet && (input.status === 307 || input.status === 308);
  const crossOrigin = !isSameOrigin(from, to);
  let headers = crossOrigin
    ? stripCredentials(input.headers, input.sensitiveHeaders ?? [])
    : withoutHeaders(input.headers, []);
  if (!keepBody) headers = withoutHeaders(headers, BODY_HEADERS);
  // Host is derived from the URL of each hop; a stale one would address the wrong server.
  headers = withoutHeaders(headers, ['host']);
  return { follow: true, url: to, method: nextMethod, keepBody, headers, crossOrigin };
}
