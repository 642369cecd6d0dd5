import {
  type Attributes,
  type Meter,
  type ObservableCallback,
  type ObservableGauge,
  type ObservableResult,
  trace,
} from '@opentelemetry/api';
import type { Disposer } from '@sentinel/core';
import { DURATION_BUCKETS, METRICS } from '../metrics.ts';

/*
 * Each kind of policy is recognised by its shape (duck typing), never by importing its package:
 * `@sentinel/otel` depends on none of them, and a second installed copy of a policy package
 * works the same. Gauges read `status()` only when the SDK collects.
 */

type Subscribe<T> = (listener: (payload: T) => void) => Disposer;

/** What an instrumented policy records into. */
export interface Target {
  readonly meter: Meter;
  readonly attributes: Attributes;
  /** Disposers run by the instrumentation's own disposer. */
  readonly cleanup: (() => void)[];
}

/** Adds `name` with `attributes` as an event on the span active when a policy event fires, if any. */
function spanEvent(name: string, attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.addEvent(name, attributes);
}

type PayloadOf<F> = F extends Subscribe<infer T> ? T : never;

// Called as a method: some policies' on* are prototype methods that must not be detached.
function listen<S, K extends keyof S>(
  target: Target,
  source: S,
  method: K,
  listener: (payload: PayloadOf<S[K]>) => void,
): void {
  const subscription = (source[method] as unknown as Subscribe<PayloadOf<S[K]>>).call(source, listener);
  target.cleanup.push(() => subscription.dispose());
}

function observe(target: Target, gauge: ObservableGauge, callback: ObservableCallback): void {
  gauge.addCallback(callback);
  target.cleanup.push(() => gauge.removeCallback(callback));
}

const STATES = ['closed', 'open', 'half-open', 'isolated'] as const;

interface BreakerShape {
  readonly state: string;
  onStateChange: Subscribe<{ from: string; to: string }>;
  onReject: Subscribe<{ state: string; retryAfterMs: number | undefined }>;
}

export function isBreaker(value: object): value is BreakerShape {
  const v = value as Partial<Record<keyof BreakerShape, unknown>>;
  return typeof v.onStateChange === 'function' && typeof v.onReject === 'function' && 'state' in value;
}

export function instrumentBreaker(breaker: BreakerShape, target: Target): void {
  const { meter, attributes } = target;
  const gauge = meter.createObservableGauge(METRICS.breakerState.name, {
    unit: METRICS.breakerState.unit,
    description: METRICS.breakerState.description,
  });
  // One series per state, 1 for the current one: queryable and summable like any enum metric.
  observe(target, gauge, (result: ObservableResult) => {
    const current = breaker.state;
    for (const state of STATES) {
      result.observe(state === current ? 1 : 0, { ...attributes, 'sentinel.breaker.state': state });
    }
  });
  const transitions = meter.createCounter(METRICS.breakerTransitions.name, {
    unit: METRICS.breakerTransitions.unit,
    description: METRICS.breakerTransitions.description,
  });
  listen(target, breaker, 'onStateChange', ({ from, to }) => {
    const labels = { ...attributes, 'sentinel.breaker.from': from, 'sentinel.breaker.to': to };
    transitions.add(1, labels);
    spanEvent('sentinel.breaker.transition', labels);
  });
  const rejections = meter.createCounter(METRICS.breakerRejections.name, {
    unit: METRICS.breakerRejections.unit,
    description: METRICS.breakerRejections.description,
  });
  listen(target, breaker, 'onReject', ({ state, retryAfterMs }) => {
    rejections.add(1, { ...attributes, 'sentinel.breaker.state': state });
    const event: Attributes = { ...attributes, 'sentinel.breaker.state': state };
    if (retryAfterMs !== undefined) event['sentinel.breaker.retry_after_ms'] = retryAfterMs;
    spanEvent('sentinel.breaker.reject', event);
  });
}

interface RetryShape {
  status(): { attempts: number };
  onRetry: Subscribe<{ attempt: number; delayMs: number; delaySource: string }>;
  onGiveUp: Subscribe<{ attempts: number; reason: string }>;
}

export function isRetry(value: object): value is RetryShape {
  const v = value as Partial<Record<keyof RetryShape, unknown>>;
  return typeof v.onRetry === 'function' && typeof v.onGiveUp === 'function' && typeof v.status === 'function';
}

export function instrumentRetry(policy: RetryShape, target: Target): void {
  const { meter, attributes } = target;
  const attempts = meter.createObservableCounter(METRICS.retryAttempts.name, {
    unit: METRICS.retryAttempts.unit,
    description: METRICS.retryAttempts.description,
  });
  // The policy counts attempts itself: read on collection, nothing per call.
  const callback = (result: ObservableResult) => result.observe(policy.status().attempts, attributes);
  attempts.addCallback(callback);
  target.cleanup.push(() => attempts.removeCallback(callback));
  const giveUps = meter.createCounter(METRICS.retryGiveUps.name, {
    unit: METRICS.retryGiveUps.unit,
    description: METRICS.retryGiveUps.description,
  });
  listen(target, policy, 'onGiveUp', ({ attempts: made, reason }) => {
    giveUps.add(1, { ...attributes, 'sentinel.retry.reason': reason });
    spanEvent('sentinel.retry.give_up', {
      ...attributes,
      'sentinel.retry.attempts': made,
      'sentinel.retry.reason': reason,
    });
  });
  listen(target, policy, 'onRetry', ({ attempt, delayMs, delaySource }) => {
    spanEvent('sentinel.retry.wait', {
      ...attributes,
      'sentinel.retry.attempt': attempt,
      'sentinel.retry.delay_ms': delayMs,
      'sentinel.retry.delay_source': delaySource,
    });
  });
}

interface RateLimitShape {
  onWait: Subscribe<{ waitedMs: number; cost: number }>;
  onRejected: Subscribe<{ reason: string; retryAfterMs: number | undefined }>;
}

export function isRateLimit(value: object): value is RateLimitShape {
  const v = value as Partial<Record<keyof RateLimitShape, unknown>>;
  return typeof v.onWait === 'function' && typeof v.onRejected === 'function';
}

export function instrumentRateLimit(policy: RateLimitShape, target: Target): void {
  const { meter, attributes } = target;
  const waits = meter.createHistogram(METRICS.rateLimitWaitDuration.name, {
    unit: METRICS.rateLimitWaitDuration.unit,
    description: METRICS.rateLimitWaitDuration.description,
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  });
  listen(target, policy, 'onWait', ({ waitedMs }) => {
    waits.record(waitedMs / 1_000, attributes);
    spanEvent('sentinel.ratelimit.wait', { ...attributes, 'sentinel.ratelimit.waited_ms': waitedMs });
  });
  const rejections = meter.createCounter(METRICS.rateLimitRejections.name, {
    unit: METRICS.rateLimitRejections.unit,
    description: METRICS.rateLimitRejections.description,
  });
  listen(target, policy, 'onRejected', ({ reason, retryAfterMs }) => {
    rejections.add(1, { ...attributes, 'sentinel.ratelimit.reason': reason });
    const event: Attributes = { ...attributes, 'sentinel.ratelimit.reason': reason };
    if (retryAfterMs !== undefined) event['sentinel.ratelimit.retry_after_ms'] = retryAfterMs;
    spanEvent('sentinel.ratelimit.reject', event);
  });
}

interface PoolShape {
  stats(): { queued: number };
  onTaskEnd: Subscribe<{ ok: boolean }>;
}

export function isPool(value: object): value is PoolShape {
  const v = value as Partial<Record<keyof PoolShape, unknown>>;
  return typeof v.stats === 'function' && typeof v.onTaskEnd === 'function';
}

export function instrumentPool(pool: PoolShape, target: Target): void {
  const { meter, attributes } = target;
  const queue = meter.createObservableGauge(METRICS.poolQueueSize.name, {
    unit: METRICS.poolQueueSize.unit,
    description: METRICS.poolQueueSize.description,
  });
  observe(target, queue, (result) => result.observe(pool.stats().queued, attributes));
  const tasks = meter.createCounter(METRICS.poolTasks.name, {
    unit: METRICS.poolTasks.unit,
    description: METRICS.poolTasks.description,
  });
  listen(target, pool, 'onTaskEnd', ({ ok }) => {
    tasks.add(1, { ...attributes, 'sentinel.pool.outcome': ok ? 'ok' : 'error' });
  });
}
