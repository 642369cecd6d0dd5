import {
  type Attributes,
  type Context,
  context,
  type Histogram,
  propagation,
  type Span,
  SpanKind,
  type SpanOptions,
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
import { systemClock } from '@sentinel/core';
import { type AttributeSet, attributeSet, errorType, snakeCase } from '../internal/attributes.ts';

/**
 * One logical request being followed. Its span stands for its first attempt too, as long as that
 * is the only one: attempt spans are made only once a resend starts (then the first attempt's
 * span is made after the fact, with the times and outcome kept here).
 */
class RequestState {
  readonly span: Span;
  readonly parent: Context;
  /** The request span's attributes, also the attempts' (url.full included); shared, frozen. */
  readonly attributes: Attributes;
  readonly set: AttributeSet;
  /** `span.isRecording()`, read once: a sampled-out request gets no attributes, events or children. */
  readonly recording: boolean;
  /** Attempt spans in flight, by attempt number; `undefined` until a resend starts. */
  attempts: Map<number, Span> | undefined;
  /**
   * When the first attempt was sent, if the span records: `systemClock.now()`, which is
   * `performance.now()`, the timeline the API reads a numeric span time on (never a client's
   * injected clock: span times are real times).
   */
  firstSentAt: number | undefined;
  /** When the first attempt's outcome came (`undefined` while it is in flight), and what it was. */
  firstEndedAt: number | undefined;
  firstStatus: number | undefined;
  firstError: string | undefined;
  #context: Context | undefined;

  constructor(span: Span, parent: Context, attributes: Attributes, set: AttributeSet, recording: boolean) {
    this.span = span;
    this.parent = parent;
    this.attributes = attributes;
    this.set = set;
    this.recording = recording;
  }

  /** The context carrying the request span: the parent of attempt spans, made when first needed. */
  get context(): Context {
    this.#context ??= trace.setSpan(this.parent, this.span);
    return this.#context;
  }
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

/** Sets an attempt's outcome on its span and ends it (at `endTime`, or now). */
function endAttempt(span: Span, status: number | undefined, error: string | undefined, endTime?: number): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error !== undefined) {
    span.setAttribute('error.type', error);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end(endTime);
}

/**
 * Turns the client's diagnostics messages into spans and metrics: a CLIENT span per logical
 * request (`HTTP GET`) that also stands for its attempt when there is one; once a resend starts,
 * a child CLIENT span per attempt, `http.request.resend_count` from the second on; the policies'
 * decisions as events on the request's span, and the two duration histograms. A request whose
 * span does not record (sampled out) is not followed at all unless its context must go on the
 * wire; requests that started before instrumentation get metrics but no spans.
 */
export class RequestSpans {
  readonly #r: Recorders;
  readonly #requests = new Map<RequestInfo, RequestState>();
  /**
   * The attempt whose response message came last. A retryable status is published twice, as a
   * response then, synchronously after it, as an error: that error is the same attempt, already
   * recorded. Matching the attempt (not the error's shape) keeps every other error recorded,
   * also one that happens to carry a `status` (an abort reason, an application's error).
   */
  #answered: RequestInfo | undefined;
  #answeredAttempt = 0;

  constructor(recorders: Recorders) {
    this.#r = recorders;
  }

  readonly start = (message: unknown): void => {
    const info = (message as StartMessage).request;
    const set = attributeSet(info.method, info.origin);
    // url.full is given at creation: samplers may read it (the conventions ask for it there).
    const attributes = set.forRequest(info.url);
    const parent = context.active();
    const span = this.#r.tracer.startSpan(set.spanName, { kind: SpanKind.CLIENT, attributes }, parent);
    const recording = span.isRecording();
    // Nothing would be seen: only the metrics are recorded, from the messages themselves.
    if (!recording && !this.#r.propagate) return;
    this.#requests.set(info, new RequestState(span, parent, attributes, set, recording));
  };

  readonly attempt = (message: unknown): void => {
    const m = message as RequestMessage;
    const state = this.#requests.get(m.request);
    if (state === undefined) return;
    if (m.attempt === 1) {
      // The request's span is the first attempt's until a resend comes.
      if (state.recording) state.firstSentAt = systemClock.now();
      if (this.#r.propagate) propagation.inject(state.context, m, SETTER);
      return;
    }
    if (state.attempts === undefined) {
      state.attempts = new Map();
      if (state.recording) this.#splitFirst(state, state.attempts);
    }
    // A sampled-out request gets attempt spans only when their context must go on the wire.
    if (!state.recording && !this.#r.propagate) return;
    const span = this.#r.tracer.startSpan(
      state.set.spanName,
      { kind: SpanKind.CLIENT, attributes: state.attributes },
      state.context,
    );
    // The conventions: resend_count is set from the second attempt on (1 for the first resend).
    span.setAttribute('http.request.resend_count', m.attempt - 1);
    state.attempts.set(m.attempt, span);
    if (this.#r.propagate) propagation.inject(trace.setSpan(state.context, span), m, SETTER);
  };

  /** The first resend starts: the first attempt gets its own span, ended already unless in flight (hedged). */
  #splitFirst(state: RequestState, attempts: Map<number, Span>): void {
    const options: SpanOptions = { kind: SpanKind.CLIENT, attributes: state.attributes };
    if (state.firstSentAt !== undefined) options.startTime = state.firstSentAt;
    const span = this.#r.tracer.startSpan(state.set.spanName, options, state.context);
    if (state.firstEndedAt === undefined) attempts.set(1, span);
    else endAttempt(span, state.firstStatus, state.firstError, state.firstEndedAt);
  }

  /** Keeps the first attempt's outcome, for its span if a resend follows. */
  #firstOutcome(state: RequestState, status: number | undefined, error: string | undefined, ms?: number): void {
    state.firstEndedAt =
      state.firstSentAt !== undefined && ms !== undefined ? state.firstSentAt + ms : systemClock.now();
    state.firstStatus = status;
    state.firstError = error;
  }

  readonly response = (message: unknown): void => {
    const m = message as ResponseMessage;
    const status = m.status;
    this.#answered = m.request;
    this.#answeredAttempt = m.attempt;
    const state = this.#requests.get(m.request);
    // A client older than durationMs-on-every-attempt leaves it undefined for an unobserved send.
    if (m.durationMs !== undefined) {
      const set = state?.set ?? attributeSet(m.method, m.request.origin);
      this.#r.attemptDuration.record(m.durationMs / 1_000, set.withStatus(status));
    }
    if (state === undefined) return;
    const error = status >= 400 ? String(status) : undefined;
    const span = state.attempts?.get(m.attempt);
    if (span !== undefined) {
      state.attempts?.delete(m.attempt);
      endAttempt(span, status, error);
    } else if (m.attempt === 1 && state.recording) this.#firstOutcome(state, status, error, m.durationMs);
  };

  readonly error = (message: unknown): void => {
    const m = message as ErrorMessage;
    if (m.request === this.#answered && m.attempt === this.#answeredAttempt) {
      // A retryable status: recorded (point and span) by its response message.
      this.#answered = undefined;
      return;
    }
    const type = errorType(m.error);
    const state = this.#requests.get(m.request);
    if (m.durationMs !== undefined) {
      const set = state?.set ?? attributeSet(m.method, m.request.origin);
      this.#r.attemptDuration.record(m.durationMs / 1_000, set.withError(type));
    }
    if (state === undefined) return;
    const span = state.attempts?.get(m.attempt);
    if (span !== undefined) {
      state.attempts?.delete(m.attempt);
      endAttempt(span, undefined, type);
    } else if (m.attempt === 1 && state.recording) this.#firstOutcome(state, undefined, type, m.durationMs);
  };

  readonly decision = (message: unknown): void => {
    const { request, entry } = message as DecisionMessage;
    const state = this.#requests.get(request);
    // No event is built for a span that records nothing.
    if (state === undefined || !state.recording) return;
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
    if (state.recording) {
      span.setAttribute('sentinel.attempts', m.attempts);
      if (m.status !== undefined) span.setAttribute('http.response.status_code', m.status);
      if (type !== undefined) {
        span.setAttribute('error.type', type);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    // Attempts whose outcome never came (an abort mid-attempt) end with their request.
    if (state.attempts !== undefined) for (const attempt of state.attempts.values()) attempt.end();
    span.end();
  };

  /** Ends what is still open (instrumentation is being disposed) and forgets it. */
  close(): void {
    for (const state of this.#requests.values()) {
      if (state.attempts !== undefined) for (const attempt of state.attempts.values()) attempt.end();
      state.span.end();
    }
    this.#requests.clear();
    this.#answered = undefined;
  }
}
