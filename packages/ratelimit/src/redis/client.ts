/**
 * The few commands the Redis limiter needs, from either client. Structural types only: this
 * package never imports ioredis or node-redis, both are optional peers.
 */

/** An ioredis client (`new Redis(...)`, a `Cluster` too): the methods used, nothing else. */
export interface IORedisLike {
  evalsha(sha: string, numKeys: number, ...args: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}

/** A node-redis v4/v5 client (`createClient(...)`): the methods used, nothing else. */
export interface NodeRedisLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Either client. */
export type RedisClientLike = IORedisLike | NodeRedisLike;

/** Whether `value` looks like a client this package can drive. */
export function isRedisClientLike(value: unknown): value is RedisClientLike {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  if (typeof client.eval !== 'function') return false;
  return typeof client.evalsha === 'function' || typeof client.evalSha === 'function';
}

/**
 * Runs one Lua script by SHA, loading it again when the server answers NOSCRIPT (after a
 * restart, a failover or SCRIPT FLUSH): EVAL both runs and caches it, so the next EVALSHA works.
 */
export class ScriptRunner {
  readonly #run: (useSha: boolean, key: string, args: readonly string[]) => Promise<unknown>;

  constructor(client: RedisClientLike, script: string, sha: string) {
    // ioredis exposes lowercase `evalsha`; node-redis camelCase `evalSha`. Check ioredis first:
    // its objects do not have `evalSha`, and node-redis objects do not have `evalsha`.
    if (typeof (client as IORedisLike).evalsha === 'function') {
      const io = client as IORedisLike;
      this.#run = (useSha, key, args) => (useSha ? io.evalsha(sha, 1, key, ...args) : io.eval(script, 1, key, ...args));
    } else {
      const node = client as NodeRedisLike;
      this.#run = (useSha, key, args) => {
        const options = { keys: [key], arguments: [...args] };
        return useSha ? node.evalSha(sha, options) : node.eval(script, options);
      };
    }
  }

  run(key: string, args: readonly string[]): Promise<unknown> {
    return this.#run(true, key, args).catch((error: unknown) => {
      if (isNoScript(error)) return this.#run(false, key, args);
      throw error;
    });
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}
