/** `http-sentinel/ratelimit`: the whole of `@sentinel/ratelimit`. */
export * from '@sentinel/ratelimit';
