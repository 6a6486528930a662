// Runs vitest, then prints one plain closing line "N passed, N failed, N skipped" read from
// vitest's JSON report, and exits with vitest's exit code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const report = join('.tmp', 'vitest-report.json');
mkdirSync('.tmp', { recursive: true });
rmSync(report, { force: true });
const vitest = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let code = vitest.status ?? 1;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (r.numTotalTests === 0) code = code || 1;
} catch {
  console.log('0 passed, 1 failed (vitest wrote no report)');
  code = code || 1;
}
process.exit(code);
