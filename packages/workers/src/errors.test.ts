import { isRejectedError, isSentinelError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import {
  isPoolClosedError,
  isQueueFullError,
  isWorkerCrashedError,
  PoolClosedError,
  QueueFullError,
  WorkerCrashedError,
} from './errors.ts';

describe('worker pool errors', () => {
  it('refusals are RejectedErrors with literal codes and names; a crash is not a refusal', () => {
    const closed = new PoolClosedError();
    const full = new QueueFullError(3);
    const crashed = new WorkerCrashedError(1, 'thread 1 exited with code 7');
    expect([closed.name, closed.code, isRejectedError(closed), isPoolClosedError(closed)]).toEqual([
      'PoolClosedError',
      'SENTINEL_POOL_CLOSED',
      true,
      true,
    ]);
    expect([full.name, full.code, full.maxQueue, isRejectedError(full), isQueueFullError(full)]).toEqual([
      'QueueFullError',
      'SENTINEL_QUEUE_FULL',
      3,
      true,
      true,
    ]);
    expect([crashed.name, crashed.workerIndex, isSentinelError(crashed), isRejectedError(crashed)]).toEqual([
      'WorkerCrashedError',
      1,
      true,
      false,
    ]);
    expect(isWorkerCrashedError(crashed)).toBe(true);
    expect(isWorkerCrashedError(closed) || isPoolClosedError(full) || isQueueFullError(new Error('x'))).toBe(false);
  });
});
