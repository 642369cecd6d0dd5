#!/usr/bin/env node
import { systemClock } from '@sentinel/core';
import { main } from './cli/main.ts';

// Core's timers are unref'd by design (a pending backoff never keeps a library user's process
// alive), so while the demo runs this ref'd handle holds the process open; it measures nothing.
// biome-ignore lint/style/noRestrictedGlobals: holds the event loop open while the demo runs.
const hold = setInterval(() => undefined, 1 << 30);

main(process.argv.slice(2)).then(
  async (code) => {
    clearInterval(hold);
    process.exitCode = code;
    // Everything the run opened is closed by now, so the process ends by itself; should a library
    // keep a handle open anyway, this (unref'd) wait ends it rather than hanging.
    await systemClock.sleep(2_000);
    process.exit(code);
  },
  (error: unknown) => {
    clearInterval(hold);
    process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
