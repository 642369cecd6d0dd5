/** `http-sentinel/backoff`: the whole of `@sentinel/backoff`. */
export * from '@sentinel/backoff';
