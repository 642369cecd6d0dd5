import { randomUUID } from 'node:crypto';
import { systemClock } from '@sentinel/core';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, afterEach, expect, it } from 'vitest';
import { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../test/redis.ts';
import { breakerGroup } from '../breaker-group.ts';
import { circuitBreaker } from '../circuit-breaker.ts';
import { consecutive } from '../triggers/consecutive.ts';
import { type BreakerSync, type PeerOpenEvent, syncBreakers } from './sync-breakers.ts';

const fail = () => Promise.reject(new Error('503'));
const ORIGIN = 'https://api.example';

/** Waits (bounded) until `done()` holds, checking after each Redis round trip or a short sleep. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await systemClock.sleep(5);
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

describeRedis('syncBreakers on a real Redis', () => {
  const prefix = uniquePrefix('sync');
  const admin = connect();
  const name = `sentinel-test-sync-${randomUUID()}`;
  const clients: Redis[] = [];
  const syncs: BreakerSync[] = [];
  const channel = () => `${prefix}${randomUUID()}`;

  /** One "process": its own client, group and sync on `channel`. */
  async function process(on: string, halfOpenAfter = 10_000) {
    const redis = connect({ connectionName: name });
    clients.push(redis);
    const group = breakerGroup({
      create: () => circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter }),
    });
    const sync = syncBreakers({ group, redis, channel: on });
    syncs.push(sync);
    const peerOpens: PeerOpenEvent[] = [];
    sync.onPeerOpen((event) => peerOpens.push(event));
    await sync.ready;
    return { redis, group, sync, peerOpens };
  }

  const open = async (group: ReturnType<typeof breakerGroup<string>>, key = ORIGIN) => {
    const breaker = group.get(key);
    for (let i = 0; i < 2; i++) await breaker.execute(fail).catch(() => {});
    expect(breaker.state).toBe('open');
  };

  afterEach(() => {
    for (const sync of syncs.splice(0)) sync.dispose();
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    await cleanup(admin, prefix);
    admin.disconnect();
  });

  it('an open in one process trips the same key in the others for the time left, and only that key', async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    const c = await process(on);
    const other = b.group.get('https://other.example');
    const bBreaker = b.group.get(ORIGIN);
    const cBreaker = c.group.get(ORIGIN);
    await open(a.group);
    await until(() => b.peerOpens.length > 0 && c.peerOpens.length > 0, 'the peer open');
    expect(b.peerOpens).toEqual([{ key: ORIGIN, openForMs: 10_000, reason: 'trigger', tripped: true }]);
    for (const breaker of [bBreaker, cBreaker]) {
      const status = breaker.status();
      expect(status.state).toBe('open');
      expect(status.retryAfterMs).toBeGreaterThan(9_000);
      expect(status.retryAfterMs).toBeLessThanOrEqual(10_000);
      // Rejections say how long is left.
      const rejected = await breaker.execute(async () => 'sent').catch((error: unknown) => error);
      expect(rejected).toMatchObject({ code: 'SENTINEL_CIRCUIT_OPEN', state: 'open' });
    }
    expect(other.state).toBe('closed');
    // The tripped breakers announce nothing back: one open, one publish.
    expect(a.sync.status()).toMatchObject({ published: 1, received: 0 });
    expect(b.sync.status()).toMatchObject({ published: 0, received: 1 });
    expect(b.sync.status().open).toEqual([{ key: ORIGIN, retryAfterMs: expect.any(Number), reason: 'trigger' }]);
  });

  it('sync.status() and the status and snapshot of the breakers it tripped read back unchanged through JSON', async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    const json = (value: unknown) => JSON.parse(JSON.stringify(value));
    const idle = b.group.get('https://idle.example');
    const tripped = b.group.get(ORIGIN);
    const before = b.sync.status();
    expect(json(before)).toStrictEqual(before);
    await open(a.group);
    await until(() => b.peerOpens.length > 0, 'the peer open');
    // The receiving side lists the key as open elsewhere; the sender only counts its publish.
    expect(b.sync.status().open).toHaveLength(1);
    expect(a.sync.status().published).toBe(1);
    // Read once: the system clock moves between two reads.
    for (const status of [a.sync.status(), b.sync.status()]) expect(json(status)).toStrictEqual(status);
    for (const breaker of [idle, tripped, a.group.get(ORIGIN), b.group.get('https://created-later.example')]) {
      const status = breaker.status();
      expect(json(status)).toStrictEqual(status);
      const snapshot = breaker.toJSON();
      expect(json(snapshot)).toStrictEqual(snapshot);
    }
    expect(idle.status().openedAt).toBeNull();
    expect(tripped.status().openedAt).toEqual(expect.any(Number));
  });

  it('a breaker the group creates later for an open key starts open for the time left', async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    await open(a.group);
    await until(() => b.peerOpens.length > 0, 'the peer open');
    expect(b.peerOpens[0]?.tripped).toBe(false);
    const later = b.group.get(ORIGIN);
    expect(later.status()).toMatchObject({ state: 'open', attempt: 1 });
    expect(later.status().retryAfterMs).toBeGreaterThan(9_000);
    // A local open there is announced like any other (its own trigger, its own period).
    expect(b.group.get('https://second.example').state).toBe('closed');
  });

  it('a process that starts later reads the keys still open from the hash; expired ones are dropped', async () => {
    const on = channel();
    const a = await process(on);
    await open(a.group);
    await until(() => a.sync.status().published === 1, 'the publish');
    // An entry whose deadline has passed (written as another process would have, long ago).
    await admin.hset(`${on}:open`, 'https://gone.example', '1000|trigger');
    const late = await process(on);
    expect(late.peerOpens.map((e) => e.key)).toEqual([ORIGIN]);
    expect(late.group.get(ORIGIN).state).toBe('open');
    expect(late.group.get('https://gone.example').state).toBe('closed');
    expect(await admin.hexists(`${on}:open`, 'https://gone.example')).toBe(0);
    // The hash expires with its latest deadline.
    const ttl = await admin.pttl(`${on}:open`);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_001);
  });

  it('a longer open elsewhere extends a tripped breaker; a shorter one never shortens it', async () => {
    const on = channel();
    const a = await process(on, 5_000);
    const b = await process(on, 60_000);
    const bBreaker = b.group.get(ORIGIN);
    await open(b.group);
    await until(() => a.peerOpens.length > 0, 'the first peer open');
    expect(a.group.get(ORIGIN).status().retryAfterMs).toBeGreaterThan(59_000);
    a.group.get(ORIGIN).reset();
    await open(a.group);
    await until(() => b.peerOpens.length > 0, 'the second peer open');
    expect(bBreaker.status().retryAfterMs).toBeGreaterThan(59_000);
    // The hash keeps the later deadline.
    const [, left] = (await admin.eval(
      "local t = redis.call('TIME') local v = redis.call('HGET', KEYS[1], ARGV[1]) return {v, tonumber(string.sub(v, 1, string.find(v, '|', 1, true) - 1)) - (t[1] * 1000 + math.floor(t[2] / 1000))}",
      1,
      `${on}:open`,
      ORIGIN,
    )) as [string, number];
    expect(left).toBeGreaterThan(59_000);
  });

  it('a trip() by hand is announced with its detail; other messages on the channel are ignored', async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    for (const junk of [
      'not json',
      '{"v":2,"key":"k","ms":5,"reason":"x","from":"y"}',
      '{"v":1,"key":"k","ms":-1}',
      'null',
    ]) {
      await admin.publish(on, junk);
    }
    a.group.get(ORIGIN).trip(30_000, 'status page: outage');
    await until(() => b.peerOpens.length > 0, 'the peer open');
    expect(b.peerOpens).toEqual([{ key: ORIGIN, openForMs: 30_000, reason: 'status page: outage', tripped: false }]);
    expect(b.sync.status().received).toBe(1);
    const breaker = b.group.get(ORIGIN);
    expect(breaker.state).toBe('open');
    expect(breaker.status().retryAfterMs).toBeGreaterThan(29_000);
  });

  it('after its subscriber is killed (CLIENT KILL by ID), it reconnects and catches up on opens it missed', {
    timeout: 20_000,
  }, async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    const bBreaker = b.group.get(ORIGIN);
    // Our own connections only: named for this test run; b's subscriber is the one in pub/sub.
    const list = (await admin.client('LIST')) as string;
    const subscribers = list
      .split('\n')
      .filter((line) => line.includes(`name=${name}`) && / sub=1 /.test(line))
      .map((line) => /id=(\d+)/.exec(line)?.[1] as string);
    expect(subscribers.length).toBeGreaterThanOrEqual(2);
    for (const id of subscribers) await admin.client('KILL', 'ID', id);
    // While they are down, a opens: its publish reaches nobody, the hash keeps it.
    await open(a.group);
    await until(() => a.sync.status().published === 1, 'the publish');
    await until(() => bBreaker.state === 'open', 'the catch-up read after the reconnect');
    expect(b.peerOpens.map((e) => e.key)).toEqual([ORIGIN]);
  });

  it('with Redis unreachable, breakers work locally: ready rejects, onError says why, calls never wait', async () => {
    const { Redis } = await import('ioredis');
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    dead.on('error', () => {});
    clients.push(dead);
    const group = breakerGroup({ create: () => circuitBreaker({ trigger: consecutive({ threshold: 2 }) }) });
    const sync = syncBreakers({ group, redis: dead, channel: channel() });
    syncs.push(sync);
    const errors: string[] = [];
    sync.onError(({ during }) => errors.push(during));
    await expect(sync.ready).rejects.toBeDefined();
    const breaker = group.get(ORIGIN);
    expect(await breaker.execute(async () => 'ok')).toBe('ok');
    await open(group);
    await until(() => errors.includes('publish'), 'the publish error');
    expect(errors).toContain('subscribe');
  });

  it('dispose() closes the subscriber and stops announcing and listening', async () => {
    const on = channel();
    const a = await process(on);
    const b = await process(on);
    b.sync.dispose();
    b.sync.dispose();
    await open(a.group);
    await until(() => a.sync.status().published === 1, 'the publish');
    // The server sees the closed subscriber a moment later: only a's remains.
    const receivers = async () => ((await admin.pubsub('NUMSUB', on)) as [string, number])[1];
    for (let i = 0; i < 200 && (await receivers()) > 1; i++) await systemClock.sleep(5);
    expect(await receivers()).toBe(1);
    expect(b.group.get(ORIGIN).state).toBe('closed');
    await open(b.group);
    expect(b.sync.status().published).toBe(0);
  });

  it('works with node-redis too (both ways with ioredis)', async () => {
    const on = channel();
    const node = createClient({ url: REDIS_URL });
    node.on('error', () => {});
    await node.connect();
    try {
      const group = breakerGroup({ create: () => circuitBreaker({ trigger: consecutive({ threshold: 2 }) }) });
      const sync = syncBreakers({ group, redis: node, channel: on });
      syncs.push(sync);
      await sync.ready;
      const io = await process(on);
      await open(group);
      await until(() => io.peerOpens.length > 0, 'the open from node-redis');
      const seen: string[] = [];
      sync.onPeerOpen(({ key }) => seen.push(key));
      await open(io.group, 'https://second.example');
      await until(() => seen.length > 0, 'the open from ioredis');
      expect(group.get('https://second.example').state).toBe('open');
    } finally {
      await node.quit();
    }
  });

  it('refuses bad options, naming them', () => {
    const group = breakerGroup({ create: () => circuitBreaker() });
    const redis = admin;
    expect(() => syncBreakers({ group, redis, channel: '' })).toThrow(/syncBreakers: "channel"/);
    expect(() => syncBreakers({ group, redis, channel: 'a b' })).toThrow(/"channel"/);
    expect(() => syncBreakers({ group, redis, channel: 'x'.repeat(257) })).toThrow(/"channel"/);
    expect(() => syncBreakers({ group: {} as never, redis, channel: 'c' })).toThrow(/"group" must be a breakerGroup/);
    expect(() => syncBreakers({ group, redis: { eval: () => 1 } as never, channel: 'c' })).toThrow(/"redis"/);
    expect(() => syncBreakers({ group, redis, channel: 'c', extra: 1 } as never)).toThrow(/extra/);
  });
});
