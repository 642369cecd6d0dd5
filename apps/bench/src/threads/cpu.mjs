// CPU-bound work for the threads suite: gzip of a response-sized JSON body. Plain JS, so the
// threads load it without a TypeScript loader, exactly as a user's built module.
import { gzipSync } from 'node:zlib';

/** About 64 KB of JSON, the same every run. */
function responseBody() {
  const items = Array.from({ length: 600 }, (_, i) => ({
    id: i,
    name: `item-${i}`,
    tags: ['alpha', 'beta', 'gamma'].slice(0, (i % 3) + 1),
    price: (i * 7919) % 10_000,
    description: `Item number ${i}, ${'lorem ipsum '.repeat(i % 5)}`,
  }));
  return Buffer.from(JSON.stringify({ items }));
}

const body = responseBody();

/** The thread pool's setup: the body is the thread's state. */
export function setup() {
  return { body };
}

/** Thread pool handler: compress the body, return the compressed size. */
export async function gzip(level, state) {
  return gzipSync(state.body, { level }).length;
}

/** Thread pool handler that does nothing: the cost of the round trip itself. */
export async function noop(payload) {
  return payload;
}

/** The same work as a piscina handler (piscina passes only the task). */
export function gzipTask(level) {
  return gzipSync(body, { level }).length;
}

/**
 * `count` compressions in one task: the threads' scaling with no per-task messaging at all, the
 * most any pool can get out of the machine.
 */
export function gzipLoopTask({ level, count }) {
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += gzipSync(body, { level }).length;
  return bytes;
}

export function noopTask(payload) {
  return payload;
}
