/** `http-sentinel/chaos`: the whole of `@sentinel/chaos`. */
export * from '@sentinel/chaos';
