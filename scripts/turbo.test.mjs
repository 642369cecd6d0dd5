// scripts/turbo.mjs keeps turbo's telemetry off for this repository, even for a user who never
// ran turbo before (a fresh HOME), and every root script that runs turbo goes through it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const homes = [];
after(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

/** Runs `node <script> …` as a first-time turbo user: fresh HOME and config dir, no opt-out set. */
function firstRun(script, args) {
  const home = mkdtempSync(join(tmpdir(), 'turbo-home-'));
  homes.push(home);
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), USERPROFILE: home, APPDATA: home };
  delete env.TURBO_TELEMETRY_DISABLED;
  delete env.DO_NOT_TRACK;
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, env, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

const dryRun = ['run', 'build', '--filter=@sentinel/core', '--dry=json'];

describe('scripts/turbo.mjs', () => {
  it('prints no telemetry notice on a first run, where plain turbo prints one', () => {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve('turbo/package.json');
    const plain = firstRun(join(dirname(manifest), require(manifest).bin.turbo), dryRun);
    assert.match(plain.output, /telemetry/i, 'plain turbo no longer prints its notice: this test proves nothing');

    const wrapped = firstRun(join(root, 'scripts/turbo.mjs'), dryRun);
    assert.equal(wrapped.status, 0, wrapped.output);
    assert.doesNotMatch(wrapped.output, /telemetry/i);
    assert.deepEqual(JSON.parse(wrapped.stdout).packages, ['@sentinel/core']);
  });

  it('passes turbo’s exit code through', () => {
    const failed = firstRun(join(root, 'scripts/turbo.mjs'), ['run', 'no-such-task', '--filter=no-such-package']);
    assert.notEqual(failed.status, 0);
  });

  it('is how every root script runs turbo', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    assert.ok(Object.values(scripts).some((command) => command.includes('node scripts/turbo.mjs run build')));
    for (const [name, command] of Object.entries(scripts)) {
      // `turbo …`, `pnpm exec turbo …` or `npx turbo …` as a command of the script.
      const direct = /(?:^|[;&|]\s*)(?:(?:npx|pnpm(?: exec)?)\s+)?turbo(?:\s|$)/;
      assert.doesNotMatch(command, direct, `script "${name}" runs turbo without scripts/turbo.mjs`);
    }
  });
});
