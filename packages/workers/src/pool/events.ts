/** Payload of `onTaskEnd`: a task that ran on a worker has settled. */
export interface TaskEndEvent {
  /** The worker that ran it. */
  readonly workerIndex: number;
  /**
   * What the caller was told: `true` when `run` resolved (or `map` yielded `ok: true`). A task
   * aborted while running is `false` with the abort reason, even if it resolved afterwards.
   */
  readonly ok: boolean;
  /** Time spent queued before a worker took it, in ms. */
  readonly waitMs: number;
  /** Time from start until the task really settled, in ms (an aborted task keeps its worker until then). */
  readonly runMs: number;
  /** The task's error (or the abort reason); `undefined` when `ok`. */
  readonly error: unknown;
}

/** What a worker was doing when it failed, outside any task. */
export type WorkerPhase = 'teardown';

/** Payload of `onWorkerError`: a worker failed outside a task (its teardown threw). */
export interface WorkerErrorEvent {
  readonly workerIndex: number;
  readonly phase: WorkerPhase;
  readonly error: unknown;
}
