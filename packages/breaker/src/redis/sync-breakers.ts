import { randomUUID } from 'node:crypto';
import { type Clock, type Disposer, Emitter, type Listener, MAX_DELAY_MS, optionChecker } from '@sentinel/core';
import type { CircuitBreaker } from '../api.ts';
import type { BreakerGroup } from '../breaker-group.ts';
import type { OpenEvent } from '../events.ts';
import { isRedisSyncClientLike, type RedisSyncClientLike, type Subscription, scriptCall, subscribe } from './client.ts';
import { READ_OPEN_SCRIPT, READ_OPEN_SHA, RECORD_OPEN_SCRIPT, RECORD_OPEN_SHA } from './scripts.ts';

/** Options of {@link syncBreakers}. */
export interface SyncBreakersOptions {
  /** The group whose breakers warn each other, keyed by string (an origin, a route). */
  readonly group: BreakerGroup<string>;
  /**
   * An ioredis client (or Cluster) or a node-redis v4/v5 client. Scripts and PUBLISH run on it;
   * the subscription runs on a `duplicate()` of it, which `dispose()` closes. The client itself
   * is never closed.
   */
  readonly redis: RedisSyncClientLike;
  /**
   * The pub/sub channel every process of the fleet uses for this group (e.g.
   * `'breakers:scraper'`); the open keys are kept in the hash `${channel}:open`. 1 to 256
   * characters, no whitespace or control characters.
   */
  readonly channel: string;
  /**
   * Where the local deadlines of keys known to be open are read.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** Payload of `onPeerOpen`: another process's breaker for `key` opened. */
export interface PeerOpenEvent {
  readonly key: string;
  /** How long it is open for, from when it was announced (or read from the hash). */
  readonly openForMs: number;
  /** Why it opened there: `'trigger'`, `'probe-failed'`, ... or the `detail` of a `trip`. */
  readonly reason: string;
  /** Whether a breaker of this group existed for the key and was tripped (one created later starts open). */
  readonly tripped: boolean;
}

/** Payload of `onError`: Redis failed; the breakers keep working locally. */
export interface SyncErrorEvent {
  readonly error: unknown;
  /** What failed: announcing an open, reading the open keys, or the subscriber connection. */
  readonly during: 'publish' | 'read' | 'subscribe';
}

/** A plain, JSON-serialisable snapshot of a {@link BreakerSync}. */
export interface BreakerSyncStatus {
  readonly channel: string;
  /** Keys known to be open in the fleet, with the time left. */
  readonly open: readonly { readonly key: string; readonly retryAfterMs: number; readonly reason: string }[];
  /** Opens of this process announced, and opens of other processes received. */
  readonly published: number;
  readonly received: number;
}

/** What {@link syncBreakers} returns: dispose it to stop (it closes the subscriber connection). */
export interface BreakerSync extends Disposer {
  /**
   * Resolves once the channel is subscribed and the keys already open have been read; rejects
   * when Redis could not be reached then (breakers keep working locally, and the sync catches up
   * when the subscriber reconnects).
   */
  readonly ready: Promise<void>;
  status(): BreakerSyncStatus;
  /** Another process's breaker opened (announced, or found open at start or after a reconnect). */
  onPeerOpen(listener: Listener<PeerOpenEvent>): Disposer;
  onError(listener: Listener<SyncErrorEvent>): Disposer;
}

interface Message {
  readonly v: 1;
  readonly key: string;
  readonly ms: number;
  readonly reason: string;
  readonly from: string;
}

const check = optionChecker('syncBreakers');
const CHANNEL_PATTERN = /^[^\s\p{Cc}]{1,256}$/u;
// Keys known open are few; this bounds them if a peer floods the channel.
const MAX_KNOWN = 100_000;

class Sync implements BreakerSync {
  readonly ready: Promise<void>;
  readonly #group: BreakerGroup<string>;
  readonly #channel: string;
  readonly #hash: string;
  readonly #clock: Clock;
  readonly #run: ReturnType<typeof scriptCall>;
  readonly #id = randomUUID();
  /** Keys open elsewhere: local deadline and reason, for breakers the group creates later. */
  readonly #known = new Map<string, { until: number; reason: string }>();
  /** The breakers whose opens this process announces, by key. */
  readonly #watched = new Map<string, { breaker: CircuitBreaker; off: Disposer }>();
  readonly #offCreate: Disposer;
  readonly #subscription: Subscription;
  readonly #peerOpen = new Emitter<PeerOpenEvent>();
  readonly #error = new Emitter<SyncErrorEvent>();
  /** Set while this sync trips a breaker: that open came from a peer and is not announced again. */
  #applying = false;
  #disposed = false;
  #published = 0;
  #received = 0;

  readonly onPeerOpen = this.#peerOpen.subscribe;
  readonly onError = this.#error.subscribe;

  constructor(options: SyncBreakersOptions) {
    const opts = check.options(options, ['group', 'redis', 'channel', 'clock']);
    const group = opts.group as Partial<BreakerGroup<string>> | undefined;
    if (typeof group?.onCreate !== 'function' || typeof group.peek !== 'function' || typeof group.keys !== 'function') {
      check.fail('group', group, 'a breakerGroup()');
    }
    if (!isRedisSyncClientLike(opts.redis)) {
      check.fail('redis', opts.redis, 'an ioredis or node-redis client (with eval and duplicate)');
    }
    if (typeof opts.channel !== 'string' || !CHANNEL_PATTERN.test(opts.channel)) {
      check.fail('channel', opts.channel, 'a string of 1 to 256 characters without whitespace or control characters');
    }
    this.#group = group as BreakerGroup<string>;
    this.#channel = opts.channel as string;
    this.#hash = `${this.#channel}:open`;
    this.#clock = check.clock('clock', opts.clock);
    this.#run = scriptCall(opts.redis as RedisSyncClientLike);

    for (const key of this.#group.keys()) {
      const breaker = this.#group.peek(key);
      if (breaker !== undefined) this.#watch(key, breaker);
    }
    this.#offCreate = this.#group.onCreate(({ key, breaker }) => this.#onCreate(key, breaker));
    this.#subscription = subscribe(opts.redis as RedisSyncClientLike, this.#channel, {
      onMessage: (message) => this.#onMessage(message),
      // After a reconnect: opens announced meanwhile were missed; the hash has them.
      onReady: () => void this.#read().catch(() => {}),
      onError: (error) => this.#fail('subscribe', error),
    });
    this.ready = this.#subscription.subscribed.then(() => this.#read());
    // Handled here, so a caller who never awaits `ready` sees no unhandled rejection.
    this.ready.catch(() => {});
  }

  status(): BreakerSyncStatus {
    const now = this.#clock.now();
    const open: { key: string; retryAfterMs: number; reason: string }[] = [];
    for (const [key, { until, reason }] of this.#known) {
      if (until > now) open.push({ key, retryAfterMs: until - now, reason });
    }
    return { channel: this.#channel, open, published: this.#published, received: this.#received };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#offCreate.dispose();
    for (const { off } of this.#watched.values()) off.dispose();
    this.#watched.clear();
    this.#known.clear();
    this.#subscription.close();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #onCreate(key: string, breaker: CircuitBreaker): void {
    this.#watch(key, breaker);
    const known = this.#known.get(key);
    if (known === undefined) return;
    const left = known.until - this.#clock.now();
    if (left > 0) this.#trip(breaker, left, known.reason);
    else this.#known.delete(key);
  }

  #watch(key: string, breaker: CircuitBreaker): void {
    const current = this.#watched.get(key);
    if (current?.breaker === breaker) return;
    current?.off.dispose();
    const off = breaker.onOpen((event) => this.#onLocalOpen(key, event));
    this.#watched.set(key, { breaker, off });
    // Breakers the group evicted still hold a listener: drop those now and then.
    if (this.#watched.size > 2 * this.#group.size + 64) this.#prune();
  }

  #prune(): void {
    for (const [key, { breaker, off }] of this.#watched) {
      if (this.#group.peek(key) !== breaker) {
        off.dispose();
        this.#watched.delete(key);
      }
    }
  }

  #onLocalOpen(key: string, event: OpenEvent): void {
    if (this.#applying || this.#disposed) return;
    const reason = event.reason === 'tripped' && event.detail !== undefined ? event.detail : event.reason;
    const message: Message = { v: 1, key, ms: event.openForMs, reason, from: this.#id };
    this.#published++;
    // Fire and forget: the breaker has opened already and never waits on Redis.
    this.#run(RECORD_OPEN_SHA, RECORD_OPEN_SCRIPT, this.#hash, [
      this.#channel,
      key,
      String(Math.ceil(event.openForMs)),
      reason,
      JSON.stringify(message),
    ]).catch((error: unknown) => this.#fail('publish', error));
  }

  #onMessage(raw: string): void {
    if (this.#disposed) return;
    let message: Partial<Message>;
    try {
      message = JSON.parse(raw) as Partial<Message>;
    } catch {
      return;
    }
    // Anything else on the channel (another version, a stray PUBLISH) is ignored.
    if (
      message?.v !== 1 ||
      typeof message.key !== 'string' ||
      typeof message.ms !== 'number' ||
      !(message.ms >= 0) ||
      typeof message.reason !== 'string' ||
      message.from === this.#id
    ) {
      return;
    }
    this.#received++;
    this.#apply(message.key, message.ms, message.reason);
  }

  async #read(): Promise<void> {
    let reply: unknown;
    try {
      reply = await this.#run(READ_OPEN_SHA, READ_OPEN_SCRIPT, this.#hash, []);
    } catch (error) {
      this.#fail('read', error);
      throw error;
    }
    if (this.#disposed || !Array.isArray(reply)) return;
    for (let i = 0; i + 2 < reply.length; i += 3) {
      const [key, ms, reason] = [reply[i], Number(reply[i + 1]), reply[i + 2]];
      if (typeof key === 'string' && ms > 0 && typeof reason === 'string') this.#apply(key, ms, reason);
    }
  }

  #apply(key: string, ms: number, reason: string): void {
    const openForMs = Math.min(ms, MAX_DELAY_MS);
    const until = this.#clock.now() + openForMs;
    const known = this.#known.get(key);
    if (known === undefined || known.until < until) {
      if (known === undefined && this.#known.size >= MAX_KNOWN) this.#forgetExpired();
      if (this.#known.size < MAX_KNOWN || known !== undefined) this.#known.set(key, { until, reason });
    }
    const breaker = this.#group.peek(key);
    if (breaker !== undefined) this.#trip(breaker, openForMs, reason);
    if (this.#peerOpen.hasListeners) this.#peerOpen.emit({ key, openForMs, reason, tripped: breaker !== undefined });
  }

  #trip(breaker: CircuitBreaker, ms: number, reason: string): void {
    this.#applying = true;
    try {
      breaker.trip(ms, `opened in another process: ${reason}`);
    } finally {
      this.#applying = false;
    }
  }

  #forgetExpired(): void {
    const now = this.#clock.now();
    for (const [key, { until }] of this.#known) if (until <= now) this.#known.delete(key);
  }

  #fail(during: SyncErrorEvent['during'], error: unknown): void {
    if (this.#error.hasListeners) this.#error.emit({ error, during });
  }
}

/**
 * Makes the breakers of `group` an advisory shared by every process on `channel`: when one of
 * them opens here, the open (key, time left, reason) is recorded in Redis and published; a
 * process that receives it trips its breaker for that key for the time left (one the group
 * creates later starts open), and each still decides locally when to half-open and probe. A
 * process that starts, or whose subscriber reconnects, reads the keys still open. Nothing on a
 * call's path waits on Redis: a local success, failure or open never does, and with Redis down
 * the breakers simply work locally.
 *
 * @returns a {@link BreakerSync}: dispose it to stop.
 * @throws ConfigError for a bad option.
 */
export function syncBreakers(options: SyncBreakersOptions): BreakerSync {
  return new Sync(options);
}
