import { queueOptionsSymbol, type TaskQueue } from 'piscina';

type Task = Parameters<TaskQueue['push']>[0];

/**
 * Piscina's waiting tasks, in arrival order, behind piscina's documented `taskQueue` extension
 * point. Owning the queue is what lets the pool keep the async pool's semantics without piscina's
 * abort handling (which terminates the thread when a running task is aborted): `size` is the
 * exact number of tasks waiting for a thread (for `maxQueue`), and `remove` takes a task out when
 * its caller aborts or the pool closes. Piscina still does all the scheduling: it shifts from here
 * whenever a thread is free.
 */
export class FifoTaskQueue implements TaskQueue {
  #items: Task[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(task: Task): void {
    this.#items.push(task);
  }

  /** Piscina puts a task back in front when no thread could take it after all. */
  unshift(task: Task): void {
    if (this.#head > 0) this.#items[--this.#head] = task;
    else this.#items.unshift(task);
  }

  shift(): Task | null {
    if (this.#head >= this.#items.length) return null;
    const task = this.#items[this.#head] as Task;
    this.#items[this.#head++] = undefined as unknown as Task;
    // Compact once the consumed prefix dominates, so a long-lived queue does not grow.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return task;
  }

  remove(task: Task): void {
    const at = this.#items.indexOf(task, this.#head);
    if (at !== -1) this.#items.splice(at, 1);
  }

  /**
   * Takes out the waiting task whose `run()` payload carried `owner` under piscina's
   * `queueOptionsSymbol`; false when it is not waiting (already on a thread).
   */
  take(owner: object): boolean {
    for (let i = this.#head; i < this.#items.length; i++) {
      if (this.#items[i]?.[queueOptionsSymbol] === owner) {
        this.#items.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Takes every waiting task out and returns their owners, oldest first. */
  drain(): object[] {
    const owners = this.#items.slice(this.#head).map((task) => task[queueOptionsSymbol] as object);
    this.#items = [];
    this.#head = 0;
    return owners;
  }
}
