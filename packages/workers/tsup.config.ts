import { packageBuild } from '../../tsup.shared.ts';

export default packageBuild(
  { index: 'src/index.ts', 'bullmq/index': 'src/bullmq/index.ts' },
  // bullmq and ioredis are the user's (optional peers), never bundled.
  { external: [/^@sentinel\//, /^http-sentinel(\/|$)/, 'bullmq', 'ioredis'] },
);
