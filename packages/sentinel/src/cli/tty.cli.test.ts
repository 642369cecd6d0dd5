import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../test-support/built.ts';

const run = promisify(execFile);
// util-linux `script` gives the command a real terminal (a pty), as a person's shell would.
const SCRIPT = '/usr/bin/script';
const noPty = existsSync(SCRIPT) ? undefined : 'no /usr/bin/script (util-linux) to run the CLI on a pseudo-terminal';
if (noPty !== undefined) console.warn(`skipping the terminal tests: ${noPty}`);

beforeAll(() => (noPty === undefined ? ensureBuilt() : undefined), 600_000);

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 2 });
});
afterEach(() => server.close());

async function onTerminal(command: string, env: Record<string, string | undefined>): Promise<string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, TERM: 'xterm', ...env })) {
    if (value !== undefined) merged[key] = value; // undefined: the variable is not set at all
  }
  const { stdout } = await run(SCRIPT, ['-qefc', command, '/dev/null'], { env: merged, timeout: 60_000 });
  return stdout;
}

describe.skipIf(noPty !== undefined)('http-sentinel on a terminal', () => {
  it('load redraws its progress line in place and uses colour; NO_COLOR keeps the redraw and drops the colour', async () => {
    const command = `${BIN} load ${server.url}/x -w 2 -n 50 --preset development`;
    const coloured = await onTerminal(command, { NO_COLOR: undefined });
    expect(coloured).toContain('\r\u001b[2Kload: ');
    expect(coloured).toContain('\u001b[1mload\u001b[0m');
    const plain = await onTerminal(command, { NO_COLOR: '1' });
    expect(plain).toContain('\r\u001b[2Kload: ');
    // No SGR (colour) sequence: every escape left is the line redraw `ESC[2K`.
    expect(
      plain
        .split('\u001b[')
        .slice(1)
        .every((part) => part.startsWith('2K')),
    ).toBe(true);
  }, 90_000);
});
