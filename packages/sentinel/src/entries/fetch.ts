/** `http-sentinel/fetch`: the whole of `@sentinel/fetch`. */
export * from '@sentinel/fetch';
