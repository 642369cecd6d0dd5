import { reportListenerError } from '@sentinel/core';
import type { Recorder } from './recorder.ts';
import type { LoadTestProgress } from './report.ts';

/** Builds `onProgress` payloads; a throwing listener is reported, never breaks the run. */
export class ProgressReporter {
  readonly #recorder: Recorder;
  readonly #start: number;
  readonly #total: number | null;
  readonly #listener: ((progress: LoadTestProgress) => void) | undefined;
  #lastDone = 0;
  #lastAt: number;

  constructor(
    recorder: Recorder,
    start: number,
    total: number | null,
    listener: ((progress: LoadTestProgress) => void) | undefined,
  ) {
    this.#recorder = recorder;
    this.#start = start;
    this.#lastAt = start;
    this.#total = total;
    this.#listener = listener;
  }

  report(now: number): void {
    if (this.#listener === undefined) return;
    const done = this.#recorder.done;
    const seconds = (now - this.#lastAt) / 1000;
    const progress: LoadTestProgress = {
      done,
      total: this.#total,
      ok: this.#recorder.succeeded,
      failed: this.#recorder.failed,
      elapsedMs: now - this.#start,
      rps: seconds > 0 ? (done - this.#lastDone) / seconds : 0,
    };
    this.#lastDone = done;
    this.#lastAt = now;
    try {
      this.#listener(progress);
    } catch (error) {
      reportListenerError(error);
    }
  }
}
