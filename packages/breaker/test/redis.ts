// The Redis test helpers live with the first package that needed them; the same real server and
// the same skip-unless-CI rule apply here.
export { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../ratelimit/test/redis.ts';
