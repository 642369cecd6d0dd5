import {
  contextFor,
  Emitter,
  type ExecuteOptions,
  type Operation,
  optionChecker,
  type Policy,
  RejectedError,
} from '@sentinel/core';

export interface MaintenanceWindowOptions {
  /** Whether calls are refused right now. */
  readonly isClosed: () => boolean;
  /** Suggested wait reported to callers, in ms. @default 60_000 */
  readonly retryAfterMs?: number;
}

const check = optionChecker('maintenanceWindow');

/** A policy of your own: refuse calls while a maintenance flag is up. */
export function maintenanceWindow(options: MaintenanceWindowOptions) {
  const opts = check.options(options, ['isClosed', 'retryAfterMs']);
  const isClosed = check.function<() => boolean>('isClosed', opts.isClosed);
  const retryAfterMs = check.duration('retryAfterMs', opts.retryAfterMs, {}, 60_000);
  const rejected = new Emitter<{ retryAfterMs: number }>();

  const policy: Policy & { onReject: typeof rejected.subscribe } = {
    onReject: rejected.subscribe,
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      if (isClosed()) {
        if (rejected.hasListeners) rejected.emit({ retryAfterMs });
        return Promise.reject(new RejectedError('SENTINEL_REJECTED', 'closed for maintenance', { retryAfterMs }));
      }
      // Hand the caller's context on unchanged: its signal and attempt reach the work.
      return Promise.resolve(fn(contextFor(executeOptions)));
    },
  };
  return policy;
}
