/**
 * What `syncBreakers` needs from a Redis client: scripts on the client itself, and a second
 * connection of the same kind for the subscription (`duplicate()`), since a subscribed
 * connection can run nothing else. Structural types only: this package never imports ioredis or
 * node-redis, both are optional peers.
 */

/** A connection `duplicate()` made from an ioredis client, in subscriber mode. */
export interface IORedisSubscriberLike {
  subscribe(...channels: string[]): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: ioredis's own listener type.
  on(event: string, listener: (...args: any[]) => void): unknown;
  disconnect(): void;
}

/** An ioredis client (`new Redis(...)`): the methods used, nothing else. */
export interface IORedisSyncLike {
  evalsha(sha: string, numKeys: number, ...args: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  duplicate(): IORedisSubscriberLike;
}

/** A connection `duplicate()` made from a node-redis v4/v5 client (not connected yet). */
export interface NodeRedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: node-redis's own listener type.
  on(event: string, listener: (...args: any[]) => void): unknown;
  destroy?: () => void;
  disconnect?: () => Promise<unknown>;
}

/** A node-redis v4/v5 client (`createClient(...)`): the methods used, nothing else. */
export interface NodeRedisSyncLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  duplicate(): NodeRedisSubscriberLike;
}

/** Either client. */
export type RedisSyncClientLike = IORedisSyncLike | NodeRedisSyncLike;

/** Whether `value` looks like a client `syncBreakers` can drive. */
export function isRedisSyncClientLike(value: unknown): value is RedisSyncClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  if (typeof client.eval !== 'function' || typeof client.duplicate !== 'function') return false;
  return typeof client.evalsha === 'function' || typeof client.evalSha === 'function';
}

/** The subscription, whichever client made it. */
export interface Subscription {
  /** Resolves once the channel is subscribed. */
  readonly subscribed: Promise<void>;
  close(): void;
}

export interface SubscriptionHandlers {
  readonly onMessage: (message: string) => void;
  /** The connection is (again) ready: after a reconnect the client re-subscribes by itself. */
  readonly onReady: () => void;
  readonly onError: (error: unknown) => void;
}

/** Runs one script by SHA, loading it with EVAL when the server answers NOSCRIPT. */
export type ScriptCall = (sha: string, script: string, key: string, args: readonly string[]) => Promise<unknown>;

export function scriptCall(client: RedisSyncClientLike): ScriptCall {
  // ioredis exposes lowercase `evalsha`, node-redis camelCase `evalSha`; neither has the other.
  const run: (useSha: boolean, sha: string, script: string, key: string, args: readonly string[]) => Promise<unknown> =
    typeof (client as IORedisSyncLike).evalsha === 'function'
      ? (useSha, sha, script, key, args) => {
          const io = client as IORedisSyncLike;
          return useSha ? io.evalsha(sha, 1, key, ...args) : io.eval(script, 1, key, ...args);
        }
      : (useSha, sha, script, key, args) => {
          const node = client as NodeRedisSyncLike;
          const options = { keys: [key], arguments: [...args] };
          return useSha ? node.evalSha(sha, options) : node.eval(script, options);
        };
  return (sha, script, key, args) =>
    run(true, sha, script, key, args).catch((error: unknown) => {
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return run(false, sha, script, key, args);
      throw error;
    });
}

/** Opens a second connection and subscribes it to `channel`. */
export function subscribe(client: RedisSyncClientLike, channel: string, handlers: SubscriptionHandlers): Subscription {
  if (typeof (client as IORedisSyncLike).evalsha === 'function') {
    const sub = (client as IORedisSyncLike).duplicate();
    // Without an 'error' listener an EventEmitter throws: a Redis outage must not crash the process.
    sub.on('error', handlers.onError);
    sub.on('message', (from: string, message: string) => {
      if (from === channel) handlers.onMessage(message);
    });
    let first = true;
    sub.on('ready', () => {
      // The first 'ready' is the initial connection; later ones are reconnects (ioredis then
      // re-subscribes by itself).
      if (first) first = false;
      else handlers.onReady();
    });
    return { subscribed: sub.subscribe(channel).then(() => {}), close: () => sub.disconnect() };
  }
  const sub = (client as NodeRedisSyncLike).duplicate();
  sub.on('error', handlers.onError);
  let first = true;
  sub.on('ready', () => {
    if (first) first = false;
    else handlers.onReady();
  });
  const subscribed = sub.connect().then(() => sub.subscribe(channel, (message) => handlers.onMessage(message)));
  return {
    subscribed: subscribed.then(() => {}),
    close: () => {
      if (typeof sub.destroy === 'function') sub.destroy();
      else sub.disconnect?.().catch(() => {});
    },
  };
}
