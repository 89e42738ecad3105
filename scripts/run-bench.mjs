#!/usr/bin/env node
// `npm run bench`: every benchmark in turn, each printing one JSON line per figure.
import { spawnSync } from 'node:child_process';

const benchmarks = [{ name: 'plan', args: ['--import', 'tsx', 'bench/plan/run.ts'] }];

let failed = false;
for (const bench of benchmarks) {
  console.error(`# bench ${bench.name}`);
  const run = spawnSync(process.execPath, bench.args, { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`bench ${bench.name} failed with exit code ${run.status}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
