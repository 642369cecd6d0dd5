// Type tests (checked by tsc, never run): both real clients fit the structural types.
import type { Cluster, Redis } from 'ioredis';
import type { createClient } from 'redis';
import { breakerGroup } from '../breaker-group.ts';
import { circuitBreaker } from '../circuit-breaker.ts';
import type { RedisSyncClientLike } from './client.ts';
import { type BreakerSync, syncBreakers } from './sync-breakers.ts';

declare const io: Redis;
declare const cluster: Cluster;
declare const node: ReturnType<typeof createClient>;

const a: RedisSyncClientLike = io;
const b: RedisSyncClientLike = cluster;
const c: RedisSyncClientLike = node;
void [a, b, c];

const group = breakerGroup({ create: () => circuitBreaker() });
const sync: BreakerSync = syncBreakers({ group, redis: io, channel: 'breakers' });
const ready: Promise<void> = sync.ready;
void ready;
sync.dispose();
// @ts-expect-error: the group must be keyed by string.
syncBreakers({ group: breakerGroup<number>({ create: () => circuitBreaker() }), redis: io, channel: 'x' });
// @ts-expect-error: not a Redis client.
syncBreakers({ group, redis: {}, channel: 'breakers' });
