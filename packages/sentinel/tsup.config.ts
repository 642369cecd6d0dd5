import { packageBuild } from '../../tsup.shared.ts';

const SUB_PATHS = [
  'core',
  'core/testing',
  'backoff',
  'breaker',
  'breaker/redis',
  'ratelimit',
  'ratelimit/redis',
  'http',
  'client',
  'workers',
  'workers/bullmq',
  'chaos',
  'fetch',
  'axios',
  'otel',
  'report',
];

// One output per exports entry (`http-sentinel/ratelimit/redis` → dist/ratelimit/redis/index.*),
// plus the CLI (`bin`), built like the rest: it has no top-level await, so its CJS twin is inert.
export default packageBuild({
  index: 'src/index.ts',
  ...Object.fromEntries(SUB_PATHS.map((path) => [`${path}/index`, `src/entries/${path.replace('/', '-')}.ts`])),
  cli: 'src/cli/main.ts',
});
