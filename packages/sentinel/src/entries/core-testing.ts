/** `http-sentinel/core/testing`: the whole of `@sentinel/core/testing` (ManualClock, deterministic random, event recorder). */
export * from '@sentinel/core/testing';
