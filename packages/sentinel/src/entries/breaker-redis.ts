/** `http-sentinel/breaker/redis`: the whole of `@sentinel/breaker/redis` (breakers that warn each other through Redis). */
export * from '@sentinel/breaker/redis';
