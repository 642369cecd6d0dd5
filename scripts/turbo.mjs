#!/usr/bin/env node
// `turbo`, with its anonymous telemetry off for this repository: every root script that runs turbo
// goes through this file, so a first `pnpm demo` / `pnpm build` on a fresh clone prints no
// telemetry notice and sends nothing. turbo.json has no setting for it (turbo 2.11), and an
// inline `VAR=1 turbo …` in package.json does not work in Windows shells; an environment variable
// set here does, on every platform. Usage: node scripts/turbo.mjs <turbo arguments>.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const manifest = require.resolve('turbo/package.json');
const bin = join(dirname(manifest), require(manifest).bin.turbo);

const child = spawn(process.execPath, [bin, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
});

// Ctrl-C reaches turbo directly (same process group): wait for it to wind its tasks down. A
// signal sent to this process alone is passed on.
const relay = (signal) => () => child.kill(signal);
process.on('SIGINT', () => {});
process.on('SIGTERM', relay('SIGTERM'));
process.on('SIGHUP', relay('SIGHUP'));
child.on('error', (error) => {
  console.error(`scripts/turbo.mjs: could not start turbo: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal !== null) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
