import type { StoreErrorMode } from './options.ts';

/** Payload of `onStoreDown`: Redis failed to answer; calls now follow `onStoreError`. */
export interface RedisStoreDownEvent {
  /** What failed: the client's error, or a `TimeoutError` from `commandTimeoutMs`. */
  readonly error: unknown;
  readonly onStoreError: StoreErrorMode;
}

/** Payload of `onStoreUp`: Redis answered again after being down. */
export interface RedisStoreUpEvent {
  /** How long the store was considered down, in milliseconds. */
  readonly downForMs: number;
}
