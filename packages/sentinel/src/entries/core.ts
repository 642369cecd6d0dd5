/** `http-sentinel/core`: the whole of `@sentinel/core`. */
export * from '@sentinel/core';
