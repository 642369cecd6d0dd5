import { runSmoke } from './smoke.ts';

const results = await runSmoke();
for (const { check, ok, detail } of results) console.log(`${ok ? 'ok  ' : 'FAIL'} ${check}: ${detail}`);
const failed = results.filter((r) => !r.ok).length;
console.log(
  failed === 0 ? `\nsmoke: ${results.length} checks passed` : `\nsmoke: ${failed} of ${results.length} checks failed`,
);
process.exitCode = failed === 0 ? 0 : 1;
