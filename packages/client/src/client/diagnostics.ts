import { channel } from 'node:diagnostics_channel';
import { hasForbiddenChars, isValidHeaderName } from '@sentinel/http';
import type { TraceEntry } from '../trace/trace.ts';
import type { Exchange } from '../transport/transport.ts';

/*
 * diagnostics_channel messages, for APMs, logs and @sentinel/otel, which must not be wired into
 * every call site. Payloads are built only when someone subscribes (`hasSubscribers`), so an
 * unobserved client pays one property read per message.
 */

/**
 * The logical request a message is about: one object per request, the same in every message
 * about it (start, attempts, decisions, end), so subscribers can key per-request state on it
 * (a `WeakMap`).
 */
export interface RequestInfo {
  readonly method: string;
  /** The resolved URL, query string included (mind its cardinality before using it as a label). */
  readonly url: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
}

/** `sentinel:client:start`: a logical request starts, before any policy runs. */
export interface StartMessage {
  readonly request: RequestInfo;
}

/** Fields every per-attempt message has. */
export interface AttemptMessage {
  readonly method: string;
  readonly url: string;
  /** 1 for the first attempt of the request. */
  readonly attempt: number;
  readonly request: RequestInfo;
}

/** `sentinel:client:request`: an attempt is about to be sent. */
export interface RequestMessage extends AttemptMessage {
  /**
   * Adds a header to this attempt only (replacing one of the same name), e.g. a W3C
   * `traceparent` for the attempt's span. Call it synchronously, inside the subscriber.
   * @throws TypeError for a name that is not a header name or a value with CR, LF or NUL.
   */
  setHeader(name: string, value: string): void;
}

/** `sentinel:client:response`: an attempt got its final (non-redirect) response. */
export interface ResponseMessage extends AttemptMessage {
  readonly status: number;
  readonly redirects: number;
  /**
   * Milliseconds since the attempt was sent (client clock). Measured for every attempt, so an
   * instrumentation that starts while an attempt is in flight still gets its duration.
   */
  readonly durationMs: number;
}

/** `sentinel:client:error`: an attempt failed (network, timeout, retryable status, ...). */
export interface ErrorMessage extends AttemptMessage {
  readonly error: unknown;
  /**
   * Milliseconds since the attempt started (client clock), as for a response. An attempt that
   * failed before reaching a server (connection refused, the total deadline already past) has
   * its message too: every attempt the client counts ends with exactly one response or error
   * message, or, for a retryable status, a response message then an error message.
   */
  readonly durationMs: number;
}

/**
 * `sentinel:client:decision`: a policy's decision about the request (an entry of its decision
 * trace, see `formatTrace`), also when the request is not traced. The client's own steps are the
 * request, response, error and end messages.
 */
export interface DecisionMessage {
  readonly request: RequestInfo;
  readonly entry: TraceEntry;
}

/** `sentinel:client:end`: the logical request ended (response returned, or the error it ends with). */
export interface EndMessage {
  readonly request: RequestInfo;
  readonly ok: boolean;
  /** The final response's status, also for an `HttpError`; `undefined` without a response. */
  readonly status: number | undefined;
  /** The error the request ends with; `undefined` when it returns a response. */
  readonly error: unknown;
  /** Attempts sent. */
  readonly attempts: number;
  /** Milliseconds from start to end on the client's clock: every attempt, wait and backoff. */
  readonly durationMs: number;
}

export const requestChannel = channel('sentinel:client:request');
export const responseChannel = channel('sentinel:client:response');
export const errorChannel = channel('sentinel:client:error');
export const startChannel = channel('sentinel:client:start');
export const decisionChannel = channel('sentinel:client:decision');
export const endChannel = channel('sentinel:client:end');

/** Whether anyone follows logical requests (start, decisions, end). */
export function requestsObserved(): boolean {
  return startChannel.hasSubscribers || decisionChannel.hasSubscribers || endChannel.hasSubscribers;
}

export function requestInfo(exchange: Exchange): RequestInfo {
  const request = exchange.request;
  return { method: request.method, url: request.url.href, origin: request.origin };
}

/** The `sentinel:client:request` message; collects the headers subscribers add to the attempt. */
export class AttemptStart implements RequestMessage {
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly request: RequestInfo;
  #headers: [string, string][] | undefined;

  constructor(info: RequestInfo, attempt: number) {
    this.method = info.method;
    this.url = info.url;
    this.attempt = attempt;
    this.request = info;
  }

  setHeader(name: string, value: string): void {
    if (typeof name !== 'string' || !isValidHeaderName(name)) throw new TypeError(`invalid header name: ${name}`);
    if (typeof value !== 'string' || hasForbiddenChars(value)) {
      throw new TypeError(`invalid value for header ${name}: CR, LF and NUL are not allowed`);
    }
    const lower = name.toLowerCase();
    this.#headers = (this.#headers ?? []).filter(([n]) => n !== lower);
    this.#headers.push([lower, value]);
  }

  /** `exchange`, or a copy whose request carries the headers subscribers added. */
  applyTo(exchange: Exchange): Exchange {
    const extra = this.#headers;
    if (extra === undefined) return exchange;
    const request = exchange.request;
    const headers = request.headers.filter(([name]) => !extra.some(([added]) => added === name)).concat(extra);
    return { ...exchange, request: { ...request, headers, flatHeaders: undefined } };
  }
}
