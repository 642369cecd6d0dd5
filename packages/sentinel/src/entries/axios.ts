/** `http-sentinel/axios`: the whole of `@sentinel/axios`. */
export * from '@sentinel/axios';
