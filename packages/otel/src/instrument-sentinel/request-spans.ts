import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type {
  DecisionMessage,
  EndMessage,
  ErrorMessage,
  RequestInfo,
  RequestMessage,
  ResponseMessage,
  StartMessage,
} from '@sentinel/client';
import { errorType, methodAttribute, requestAttributes, safeUrl, snakeCase } from '../internal/attributes.ts';

/** One logical request being followed: its span, and the spans of its attempts in flight. */
interface RequestState {
  readonly span: Span;
  readonly context: Context;
  readonly attributes: Attributes;
  readonly name: string;
  readonly url: string;
  readonly attempts: Map<number, Span>;
}

/** What {@link RequestSpans} records into. */
export interface Recorders {
  readonly tracer: Tracer;
  readonly attemptDuration: Histogram;
  readonly requestDuration: Histogram;
  readonly propagate: boolean;
}

const SETTER: TextMapSetter<RequestMessage> = {
  set(carrier, key, value) {
    carrier.setHeader(key, value);
  },
};

/**
 * Turns the client's diagnostics messages into spans and metrics: a CLIENT span per logical
 * request (`HTTP GET`), a child CLIENT span per attempt with `http.request.resend_count` from the
 * second on, the policies' decisions as events on the request's span, and the two duration
 * histograms. Requests that started before instrumentation get metrics but no spans.
 */
export class RequestSpans {
  readonly #r: Recorders;
  readonly #requests = new Map<RequestInfo, RequestState>();

  constructor(recorders: Recorders) {
    this.#r = recorders;
  }

  readonly start = (message: unknown): void => {
    const info = (message as StartMessage).request;
    const attributes = requestAttributes(info.method, info.origin);
    const method = methodAttribute(info.method);
    const name = method === '_OTHER' ? 'HTTP' : `HTTP ${method}`;
    const url = safeUrl(info.url);
    const parent = context.active();
    const span = this.#r.tracer.startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes: { ...attributes, 'url.full': url } },
      parent,
    );
    this.#requests.set(info, {
      span,
      context: trace.setSpan(parent, span),
      attributes,
      name,
      url,
      attempts: new Map(),
    });
  };

  readonly attempt = (message: unknown): void => {
    const m = message as RequestMessage;
    const state = this.#requests.get(m.request);
    if (state === undefined) return;
    const attributes: Attributes = { ...state.attributes, 'url.full': state.url };
    // The conventions: resend_count is set from the second attempt on (1 for the first resend).
    if (m.attempt > 1) attributes['http.request.resend_count'] = m.attempt - 1;
    const span = this.#r.tracer.startSpan(state.name, { kind: SpanKind.CLIENT, attributes }, state.context);
    state.attempts.set(m.attempt, span);
    if (this.#r.propagate) propagation.inject(trace.setSpan(state.context, span), m, SETTER);
  };

  readonly response = (message: unknown): void => {
    const m = message as ResponseMessage;
    const state = this.#requests.get(m.request);
    const attributes: Attributes = {
      ...(state?.attributes ?? requestAttributes(m.method, m.request.origin)),
      'http.response.status_code': m.status,
    };
    if (m.status >= 400) attributes['error.type'] = String(m.status);
    if (m.durationMs !== undefined) this.#r.attemptDuration.record(m.durationMs / 1_000, attributes);
    const span = state?.attempts.get(m.attempt);
    if (span === undefined) return;
    state?.attempts.delete(m.attempt);
    span.setAttribute('http.response.status_code', m.status);
    if (m.status >= 400) {
      span.setAttribute('error.type', String(m.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };

  readonly error = (message: unknown): void => {
    const m = message as ErrorMessage;
    // A retryable status was already recorded by its response message.
    if (typeof (m.error as { status?: unknown } | null)?.status === 'number') return;
    const state = this.#requests.get(m.request);
    const type = errorType(m.error);
    const attributes: Attributes = {
      ...(state?.attributes ?? requestAttributes(m.method, m.request.origin)),
      'error.type': type,
    };
    if (m.durationMs !== undefined) this.#r.attemptDuration.record(m.durationMs / 1_000, attributes);
    const span = state?.attempts.get(m.attempt);
    if (span === undefined) return;
    state?.attempts.delete(m.attempt);
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  readonly decision = (message: unknown): void => {
    const { request, entry } = message as DecisionMessage;
    if (entry.layer === 'client') return;
    const state = this.#requests.get(request);
    if (state === undefined) return;
    const layer = snakeCase(entry.layer.replace(/-/g, ''));
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(entry)) {
      if (key === 'at' || key === 'layer' || key === 'decision') continue;
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
        attributes[`sentinel.${layer}.${snakeCase(key)}`] = value;
      }
    }
    state.span.addEvent(`sentinel.${layer}.${snakeCase(entry.decision)}`, attributes);
  };

  readonly end = (message: unknown): void => {
    const m = message as EndMessage;
    const state = this.#requests.get(m.request);
    this.#requests.delete(m.request);
    const attributes: Attributes = { ...(state?.attributes ?? requestAttributes(m.request.method, m.request.origin)) };
    if (m.status !== undefined) attributes['http.response.status_code'] = m.status;
    const failed = !m.ok || (m.status !== undefined && m.status >= 400);
    if (failed) attributes['error.type'] = m.ok ? String(m.status) : errorType(m.error);
    this.#r.requestDuration.record(m.durationMs / 1_000, attributes);
    if (state === undefined) return;
    const span = state.span;
    span.setAttribute('sentinel.attempts', m.attempts);
    if (m.status !== undefined) span.setAttribute('http.response.status_code', m.status);
    if (failed) {
      span.setAttribute('error.type', attributes['error.type'] as string);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    // Attempts whose outcome never came (an abort mid-attempt) end with their request.
    for (const attempt of state.attempts.values()) attempt.end();
    span.end();
  };

  /** Ends what is still open (instrumentation is being disposed) and forgets it. */
  close(): void {
    for (const state of this.#requests.values()) {
      for (const attempt of state.attempts.values()) attempt.end();
      state.span.end();
    }
    this.#requests.clear();
  }
}
