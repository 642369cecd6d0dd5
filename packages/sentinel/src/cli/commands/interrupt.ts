/** Resolves on the first SIGINT or SIGTERM, with its name; the handlers are removed then. */
export function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/**
 * Aborts `controller` on the first SIGINT or SIGTERM (the run stops sending and reports what it
 * has); a second signal exits at once with 130. Returns a function that removes the handlers.
 */
export function abortOnInterrupt(controller: AbortController): () => void {
  let count = 0;
  const on = () => {
    count++;
    if (count > 1) process.exit(130);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return () => {
    process.off('SIGINT', on);
    process.off('SIGTERM', on);
  };
}
