/**
 * Keeps the process alive until `release()` is called. Core's timers are unref'd by design (a
 * pending backoff never keeps a library user's process alive), so a CLI whose only pending work
 * is a retry's backoff — a refused connection, say — would otherwise just exit mid-run.
 */
export function holdProcessOpen(): () => void {
  // biome-ignore lint/style/noRestrictedGlobals: a ref'd handle that measures nothing; it only holds the event loop open while a command runs.
  const handle = setInterval(() => undefined, 1 << 30);
  return () => clearInterval(handle);
}
