import { type Clock, type Disposer, Emitter, type Listener } from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import { maxWaitError, permitError } from '../internal/permits.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import { type TokenBucket, tokenBucket } from '../token-bucket/token-bucket.ts';
import { ScriptRunner } from './client.ts';
import { CommandTimeouts } from './command-timeouts.ts';
import type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
import { type RedisTokenBucketOptions, resolveRedisOptions, type StoreErrorMode } from './options.ts';
import { TOKEN_BUCKET_SCRIPT, TOKEN_BUCKET_SHA } from './script.ts';

/** A plain, JSON-serialisable snapshot of a Redis token bucket. */
export interface RedisTokenBucketStatus {
  readonly key: string;
  /** Tokens in Redis now; `null` when Redis could not be asked. */
  readonly tokens: number | null;
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Whether the last attempt to reach Redis succeeded. */
  readonly store: 'up' | 'down';
  readonly onStoreError: StoreErrorMode;
}

/** A token bucket shared through Redis: see {@link redisTokenBucket}. */
export interface RedisTokenBucket extends Limiter {
  readonly remote: true;
  readonly key: string;
  /** Takes `n` tokens now if Redis has them (one round trip). */
  tryAcquire(n?: number): Promise<boolean>;
  /**
   * Reserves `n` tokens in one round trip and resolves when the reservation is due; the order of
   * arrival at Redis is the order of service, across every process. An abort rejects at once
   * with `signal.reason` and gives the reservation back; a wait beyond `maxWaitMs` is refused
   * with a `RateLimitedError` (`reason: 'max-wait'`) without reserving anything.
   */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /** A local estimate from the last answer (no round trip). */
  estimateWaitMs(n?: number): number;
  /** Asks Redis for the current tokens (one round trip; never throws). */
  status(): Promise<RedisTokenBucketStatus>;
  /** Redis stopped answering: calls now follow `onStoreError`. */
  onStoreDown(listener: Listener<RedisStoreDownEvent>): Disposer;
  /** Redis answered again. */
  onStoreUp(listener: Listener<RedisStoreUpEvent>): Disposer;
}

interface Reply {
  readonly granted: boolean;
  readonly tokens: number;
  readonly waitMs: number;
}

const OWNER = 'redisTokenBucket';
// "No limit" for the script's max wait, in microseconds (about 31 years).
const UNBOUNDED_US = '1e15';
const noop = () => {};
const NO_REPLY: Promise<undefined> = Promise.resolve(undefined);

class RedisBucket implements RedisTokenBucket {
  readonly remote = true;
  readonly key: string;
  readonly #capacity: number;
  readonly #rate: number;
  readonly #mode: StoreErrorMode;
  readonly #share: number;
  readonly #retryStoreAfterMs: number;
  readonly #clock: Clock;
  readonly #runner: ScriptRunner;
  readonly #timeouts: CommandTimeouts;
  readonly #intervalArg: string;
  readonly #capacityArg: string;
  // The arguments of the commonest call, tryAcquire(1), built once.
  readonly #tryOneArgs: readonly string[];
  readonly #down = new Emitter<RedisStoreDownEvent>();
  readonly #up = new Emitter<RedisStoreUpEvent>();
  #local: TokenBucket | undefined;
  #downSince: number | undefined;
  #retryAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;
  #lastTokens: number;
  #lastAt: number;

  readonly onStoreDown = this.#down.subscribe;
  readonly onStoreUp = this.#up.subscribe;

  constructor(options: RedisTokenBucketOptions) {
    const o = resolveRedisOptions(options);
    this.key = o.key;
    this.#capacity = o.capacity;
    this.#rate = o.refillPerSecond;
    this.#mode = o.onStoreError;
    this.#share = o.localShare;
    this.#retryStoreAfterMs = o.retryStoreAfterMs;
    this.#clock = o.clock;
    this.#runner = new ScriptRunner(o.redis, TOKEN_BUCKET_SCRIPT, TOKEN_BUCKET_SHA);
    this.#timeouts = new CommandTimeouts(o.clock, o.commandTimeoutMs);
    this.#intervalArg = String(1e6 / o.refillPerSecond);
    this.#capacityArg = String(o.capacity);
    this.#tryOneArgs = Object.freeze([this.#intervalArg, this.#capacityArg, '1', '0']);
    this.#lastTokens = o.capacity;
    this.#lastAt = o.clock.now();
  }

  // Not async: at ~20 µs per round trip, each extra async frame and promise shows (several µs of
  // client CPU per call at concurrency 64, enough to lose to a plain MULTI-based limiter).
  tryAcquire(n = 1): Promise<boolean> {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) return Promise.reject(error);
    return this.#call(n, '0').then((reply) => (reply !== undefined ? reply.granted : this.#tryFallback(n)));
  }

  #tryFallback(n: number): boolean {
    switch (this.#mode) {
      case 'fail-open':
        return true;
      case 'fail-closed':
        return false;
      default: {
        const local = this.#fallback();
        return n <= local.status().capacity && local.tryAcquire(n);
      }
    }
  }

  async acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#capacity) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) throw error;
    const signal = options?.signal;
    if (signal?.aborted) throw signal.reason;
    const maxWaitMs = options?.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const maxWaitUs = Number.isFinite(maxWaitMs) ? String(Math.floor(maxWaitMs * 1000)) : UNBOUNDED_US;
    const call = this.#call(n, maxWaitUs);
    const reply = signal === undefined ? await call : await abortable(call, signal, (late) => this.#refundIf(late, n));
    if (reply === undefined) return this.#acquireFallback(n, options);
    if (!reply.granted) {
      throw new RateLimitedError(`${OWNER}: the wait (about ${Math.ceil(reply.waitMs)} ms) would exceed maxWaitMs`, {
        reason: 'max-wait',
        retryAfterMs: reply.waitMs,
      });
    }
    if (reply.waitMs <= 0) return;
    try {
      await this.#clock.sleep(Math.ceil(reply.waitMs), signal);
    } catch (reason) {
      this.#refund(n);
      throw reason;
    }
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    const now = this.#clock.now();
    if (this.#downSince !== undefined) {
      if (this.#mode === 'local') return this.#fallback().estimateWaitMs(Math.min(n, this.#fallbackCapacity()));
      if (this.#mode === 'fail-closed') return Math.max(0, this.#retryAt - now);
      return 0;
    }
    const tokens = Math.min(this.#capacity, this.#lastTokens + ((now - this.#lastAt) * this.#rate) / 1000);
    return tokens >= n ? 0 : ((n - tokens) * 1000) / this.#rate;
  }

  async status(): Promise<RedisTokenBucketStatus> {
    // A status read always asks Redis, even while calls skip it: it doubles as a health probe.
    this.#retryAt = Number.NEGATIVE_INFINITY;
    const reply = await this.#call(0, '0');
    return {
      key: this.key,
      tokens: reply === undefined ? null : reply.tokens,
      capacity: this.#capacity,
      refillPerSecond: this.#rate,
      store: reply === undefined ? 'down' : 'up',
      onStoreError: this.#mode,
    };
  }

  // One script run, bounded by the command timeout. `undefined` means the store failed.
  #call(n: number, maxWaitUs: string): Promise<Reply | undefined> {
    // The clock is read only while the store is marked down.
    if (this.#retryAt !== Number.NEGATIVE_INFINITY && this.#clock.now() < this.#retryAt) return NO_REPLY;
    const args =
      n === 1 && maxWaitUs === '0' ? this.#tryOneArgs : [this.#intervalArg, this.#capacityArg, String(n), maxWaitUs];
    return this.#timeouts.bound(this.#runner.run(this.key, args)).then(this.#onReply, this.#onStoreError);
  }

  // Made once per bucket and shared by every call.
  readonly #onStoreError = (error: unknown): undefined => {
    this.#markDown(error);
    return undefined;
  };

  readonly #onReply = (raw: unknown): Reply | undefined => {
    const reply = parseReply(raw);
    if (reply === undefined) {
      this.#markDown(new Error(`${OWNER}: unexpected reply from Redis: ${JSON.stringify(raw)}`));
      return undefined;
    }
    this.#lastTokens = reply.tokens;
    this.#lastAt = this.#clock.now();
    if (this.#downSince !== undefined) {
      const downForMs = this.#lastAt - this.#downSince;
      this.#downSince = undefined;
      this.#retryAt = Number.NEGATIVE_INFINITY;
      if (this.#up.hasListeners) this.#up.emit({ downForMs });
    }
    return reply;
  };

  #markDown(error: unknown): void {
    const now = this.#clock.now();
    this.#lastError = error;
    this.#retryAt = now + this.#retryStoreAfterMs;
    if (this.#downSince !== undefined) return;
    this.#downSince = now;
    if (this.#down.hasListeners) this.#down.emit({ error, onStoreError: this.#mode });
  }

  async #acquireFallback(n: number, options: AcquireOptions | undefined): Promise<void> {
    if (this.#mode === 'fail-open') return;
    if (this.#mode === 'local' && n <= this.#fallbackCapacity()) return this.#fallback().acquire(n, options);
    throw new RateLimitedError(`${OWNER}: Redis is unavailable (onStoreError: '${this.#mode}')`, {
      reason: 'store-unavailable',
      retryAfterMs: Math.max(0, this.#retryAt - this.#clock.now()),
      cause: this.#lastError,
    });
  }

  #fallbackCapacity(): number {
    return Math.max(1, Math.floor(this.#capacity * this.#share));
  }

  #fallback(): TokenBucket {
    this.#local ??= tokenBucket({
      capacity: this.#fallbackCapacity(),
      refillPerSecond: this.#rate * this.#share,
      clock: this.#clock,
    });
    return this.#local;
  }

  // Gives an unused reservation back; best effort (if Redis is gone, the tokens expire anyway).
  #refund(n: number): void {
    this.#runner.run(this.key, [this.#intervalArg, this.#capacityArg, String(-n), '0']).catch(noop);
  }

  #refundIf(late: Reply | undefined, n: number): void {
    if (late?.granted === true) this.#refund(n);
  }
}

function parseReply(raw: unknown): Reply | undefined {
  if (!Array.isArray(raw) || raw.length !== 3) return undefined;
  const granted = Number(raw[0]);
  const milliTokens = Number(raw[1]);
  const waitUs = Number(raw[2]);
  if (!Number.isFinite(granted + milliTokens + waitUs)) return undefined;
  return { granted: granted === 1, tokens: Math.max(0, milliTokens / 1000), waitMs: waitUs / 1000 };
}

/** Rejects at once with `signal.reason` on abort; `onLate` sees the result that came after. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, onLate: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (aborted) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A token bucket shared by every process that uses the same Redis `key`: each decision is ONE
 * Lua script (GCRA on Redis's own `TIME`, so client clocks never matter), run with EVALSHA and
 * reloaded on NOSCRIPT; the key carries a TTL and disappears once the bucket would be full again.
 * Every command is bounded by `commandTimeoutMs`; when Redis cannot answer, `onStoreError`
 * decides (default `'local'`: an in-process bucket at `localShare` of the rate), and Redis is
 * tried again after `retryStoreAfterMs`.
 *
 * Works with ioredis and node-redis clients; `rateLimit({ limiter })` accepts it like any
 * local limiter (in `'wait'` mode it reserves in one round trip).
 *
 * @throws ConfigError for a bad option (a bad key, a missing client, ...).
 */
export function redisTokenBucket(options: RedisTokenBucketOptions): RedisTokenBucket {
  return new RedisBucket(options);
}
