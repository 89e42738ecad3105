#!/usr/bin/env node
// Runs every vitest project and ends with the line CI reads: "N passed, N failed".
// A test file that fails to load yields no failed test but a failed suite; it is counted as a failure.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const outDir = '.test-results';
const outFile = join(outDir, 'vitest.json');
mkdirSync(outDir, { recursive: true });
rmSync(outFile, { force: true });

const extraArgs = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outFile}`,
    ...extraArgs,
  ],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
if (existsSync(outFile)) {
  const report = JSON.parse(readFileSync(outFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  for (const suite of report.testResults ?? []) {
    const failedInside = (suite.assertionResults ?? []).some((a) => a.status === 'failed');
    if (suite.status === 'failed' && !failedInside) failed += 1;
  }
} else {
  failed = 1;
  console.error('vitest wrote no report: the run itself failed to start.');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
