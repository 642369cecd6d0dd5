import { type Meter, type MeterProvider, metrics, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import type { OptionChecker } from '@sentinel/core';

/** The instrumentation scope every meter and tracer of this package is named after. */
export const SCOPE = '@sentinel/otel';

/** The meter of `provider`, or of the global provider (`metrics.getMeterProvider()`). */
export function meterOf(check: OptionChecker, provider: unknown): Meter {
  if (provider === undefined) return metrics.getMeterProvider().getMeter(SCOPE);
  if (typeof (provider as Partial<MeterProvider> | null)?.getMeter !== 'function') {
    check.fail('meterProvider', provider, 'a MeterProvider (an object with getMeter())');
  }
  return (provider as MeterProvider).getMeter(SCOPE);
}

/** The tracer of `provider`, or of the global provider (`trace.getTracerProvider()`). */
export function tracerOf(check: OptionChecker, provider: unknown): Tracer {
  if (provider === undefined) return trace.getTracerProvider().getTracer(SCOPE);
  if (typeof (provider as Partial<TracerProvider> | null)?.getTracer !== 'function') {
    check.fail('tracerProvider', provider, 'a TracerProvider (an object with getTracer())');
  }
  return (provider as TracerProvider).getTracer(SCOPE);
}
