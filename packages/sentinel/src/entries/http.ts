/** `http-sentinel/http`: the whole of `@sentinel/http`. */
export * from '@sentinel/http';
