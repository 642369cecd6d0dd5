/** `http-sentinel/workers`: the whole of `@sentinel/workers`. */
export * from '@sentinel/workers';
