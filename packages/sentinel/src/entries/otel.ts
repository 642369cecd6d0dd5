/** `http-sentinel/otel`: the whole of `@sentinel/otel` (`@opentelemetry/api` is an optional peer: only this sub-path loads it). */
export * from '@sentinel/otel';
