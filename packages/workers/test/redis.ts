// The Redis test helpers live with the first package that needed them (same real server, same
// skip-unless-CI rule); BullMQ wants plain connection options.
import { REDIS_URL } from '../../ratelimit/test/redis.ts';

export { type Child, spawnChild } from '../../ratelimit/test/child-process.ts';
export { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../ratelimit/test/redis.ts';

/** BullMQ connection options for REDIS_URL (its blocking connection needs maxRetriesPerRequest: null). */
export function bullConnection(): { host: string; port: number; maxRetriesPerRequest: null } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
}
