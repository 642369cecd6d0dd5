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
import {
  type AttributeSet,
  attributeSet,
  errorType,
  methodAttribute,
  safeUrl,
  snakeCase,
} from '../internal/attributes.ts';

/** One logical request being followed: its span, and the spans of its attempts in flight. */
interface RequestState {
  readonly span: Span;
  readonly context: Context;
  /** The request span's attributes, also the attempts' (url.full included). */
  readonly attributes: Attributes;
  readonly set: AttributeSet;
  readonly name: string;
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
    const method = methodAttribute(info.method);
    const name = method === '_OTHER' ? 'HTTP' : `HTTP ${method}`;
    const set = attributeSet(info.method, info.origin);
    const attributes: Attributes = { ...set.base, 'url.full': safeUrl(info.url) };
    const parent = context.active();
    const span = this.#r.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.#requests.set(info, {
      span,
      context: trace.setSpan(parent, span),
      attributes,
      set,
      name,
      attempts: new Map(),
    });
  };

  readonly attempt = (message: unknown): void => {
    const m = message as RequestMessage;
    const state = this.#requests.get(m.request);
    // A request span that is not recording (sampled out) gets no attempt spans, unless the
    // attempt's context must go on the wire.
    if (state === undefined || (!this.#r.propagate && !state.span.isRecording())) return;
    const span = this.#r.tracer.startSpan(
      state.name,
      { kind: SpanKind.CLIENT, attributes: state.attributes },
      state.context,
    );
    // The conventions: resend_count is set from the second attempt on (1 for the first resend).
    if (m.attempt > 1) span.setAttribute('http.request.resend_count', m.attempt - 1);
    state.attempts.set(m.attempt, span);
    if (this.#r.propagate) propagation.inject(trace.setSpan(state.context, span), m, SETTER);
  };

  readonly response = (message: unknown): void => {
    const m = message as ResponseMessage;
    const status = m.status;
    const state = this.#requests.get(m.request);
    if (m.durationMs !== undefined) {
      const set = state?.set ?? attributeSet(m.method, m.request.origin);
      this.#r.attemptDuration.record(m.durationMs / 1_000, set.withStatus(status));
    }
    const span = state?.attempts.get(m.attempt);
    if (span === undefined) return;
    state?.attempts.delete(m.attempt);
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };

  readonly error = (message: unknown): void => {
    const m = message as ErrorMessage;
    // A retryable status was already recorded by its response message.
    if (typeof (m.error as { status?: unknown } | null)?.status === 'number') return;
    const type = errorType(m.error);
    const state = this.#requests.get(m.request);
    if (m.durationMs !== undefined) {
      const set = state?.set ?? attributeSet(m.method, m.request.origin);
      this.#r.attemptDuration.record(m.durationMs / 1_000, set.withError(type));
    }
    const span = state?.attempts.get(m.attempt);
    if (span === undefined) return;
    state?.attempts.delete(m.attempt);
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  readonly decision = (message: unknown): void => {
    const { request, entry } = message as DecisionMessage;
    const state = this.#requests.get(request);
    if (state === undefined) return;
    const layer = snakeCase(entry.layer.replace(/-/g, ''));
    const attributes: Attributes = {};
    for (const key in entry) {
      if (key === 'at' || key === 'layer' || key === 'decision') continue;
      const value = entry[key];
      if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
        attributes[`sentinel.${layer}.${snakeCase(key)}`] = value;
      }
    }
    state.span.addEvent(`sentinel.${layer}.${snakeCase(entry.decision)}`, attributes);
  };

  readonly end = (message: unknown): void => {
    const m = message as EndMessage;
    const info = m.request;
    const failed = !m.ok || (m.status !== undefined && m.status >= 400);
    // An HttpError's type is its status code, as for a returned status >= 400.
    const type = failed ? (m.status !== undefined ? String(m.status) : errorType(m.error)) : undefined;
    const state = this.#requests.get(info);
    const set = state?.set ?? attributeSet(info.method, info.origin);
    const attributes =
      m.status !== undefined ? set.withStatus(m.status) : type !== undefined ? set.withError(type) : set.base;
    this.#r.requestDuration.record(m.durationMs / 1_000, attributes);
    if (state === undefined) return;
    this.#requests.delete(info);
    const span = state.span;
    span.setAttribute('sentinel.attempts', m.attempts);
    if (m.status !== undefined) span.setAttribute('http.response.status_code', m.status);
    if (type !== undefined) {
      span.setAttribute('error.type', type);
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
