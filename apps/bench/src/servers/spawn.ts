import { fork } from 'node:child_process';
import { once } from 'node:events';

/** A benchmark server in a child process on 127.0.0.1; `close()` stops it. */
export interface ServerProcess {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `servers/<name>.ts` in a child process (tsx, as the bench itself) and waits for its port. */
export async function spawnServer(name: string): Promise<ServerProcess> {
  const child = fork(new URL(`./${name}.ts`, import.meta.url), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return {
    url: `http://127.0.0.1:${message.port}`,
    async close() {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
