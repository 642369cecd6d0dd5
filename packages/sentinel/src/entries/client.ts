/** `http-sentinel/client`: the whole of `@sentinel/client`. */
export * from '@sentinel/client';
