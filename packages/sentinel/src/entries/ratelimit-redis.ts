/** `http-sentinel/ratelimit/redis`: the whole of `@sentinel/ratelimit/redis` (the token bucket shared through Redis). */
export * from '@sentinel/ratelimit/redis';
