// A TCP listener with an accept backlog of 1, for the connect-timeout test. The test stops this
// process (SIGSTOP) and fills the accept queue, after which the kernel drops new SYNs: a connect
// to it hangs, on loopback, the way one to an unreachable host does.
import { createServer } from 'node:net';

const server = createServer(() => {});
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.send?.({ port: server.address().port });
});
