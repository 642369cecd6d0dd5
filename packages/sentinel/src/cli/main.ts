#!/usr/bin/env node
import { systemClock } from '@sentinel/core';
import { run } from './cli.ts';

run(process.argv.slice(2)).then(
  async (code) => {
    process.exitCode = code;
    // Everything the run opened is closed by now, so the process ends by itself; should a
    // library keep a handle open anyway, the (unref'd) timer ends it rather than hanging.
    await systemClock.sleep(2_000);
    process.exit(code);
  },
  () => {
    process.exitCode = 1;
  },
);
