/**
 * The chaos server in its own process, for the soak: 10 % transient faults (5 % 503, 5 % resets
 * before headers) on every path, seeded. Reports its port to the parent over IPC; exits when the
 * parent disconnects.
 */
import { startChaosServer } from '@sentinel/chaos';

const server = await startChaosServer({
  seed: 2_024,
  faults: [
    { type: 'status', status: 503, rate: 0.05 },
    { type: 'reset-before-headers', rate: 0.05 },
  ],
});
process.send?.({ port: server.port });
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0));
});
