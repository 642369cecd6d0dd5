import { isSentinelError, SentinelError } from '@sentinel/core';

/** The error the {@link chaos} policy injects when no `error` option is given. */
export class ChaosError extends SentinelError<'SENTINEL_CHAOS'> {
  constructor() {
    super('SENTINEL_CHAOS', 'chaos: injected fault');
  }
}
Object.defineProperty(ChaosError.prototype, 'name', { value: 'ChaosError', writable: true, configurable: true });

/** True for an injected {@link ChaosError} from any installed copy. */
export function isChaosError(error: unknown): error is ChaosError {
  return isSentinelError(error) && error.code === 'SENTINEL_CHAOS';
}
