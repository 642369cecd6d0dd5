/**
 * A minimal keep-alive HTTP server for network benchmarks, run in its own process so the client
 * under test does not share an event loop (or a core's worth of scheduling) with it. Answers
 * every request with 200 and a small body; reports its port to the parent over IPC; exits when
 * the parent disconnects.
 */
import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true}');
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
