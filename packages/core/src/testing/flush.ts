/**
 * Lets every queued promise callback run: resolves on the next macrotask, which the platform
 * starts only after the microtask queue is empty. This is the one place in the testing helpers
 * that touches a platform timer, and it waits no real time.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
