import { describe, expect, it } from 'vitest';
import { RunningTask } from './running-task.ts';

describe('RunningTask (a thread task’s ctx)', () => {
  it('an abort that arrives before the handler reads ctx.signal still shows on it, with its reason', () => {
    const task = new RunningTask(7, 1);
    const reason = new Error('caller gave up');
    RunningTask.abort(task, reason);
    expect(task.signal.aborted).toBe(true);
    expect(task.signal.reason).toBe(reason);
    expect(task.workerIndex).toBe(1);
  });

  it('a signal read before the abort fires its listeners once, with the first reason', () => {
    const task = new RunningTask(7, 0);
    const seen: unknown[] = [];
    task.signal.addEventListener('abort', () => seen.push(task.signal.reason));
    expect(task.signal.aborted).toBe(false);
    const first = new Error('first');
    RunningTask.abort(task, first);
    RunningTask.abort(task, new Error('second'));
    expect(seen).toEqual([first]);
    expect(task.signal).toBe(task.signal); // one signal per task
  });

  it('is found by its task id only', () => {
    const task = new RunningTask(7, 0);
    expect([RunningTask.isFor(task, 7), RunningTask.isFor(task, 8)]).toEqual([true, false]);
  });
});
