// How long `contactsync --help` takes, as a person typing it waits: the built command started afresh, 15 times after
// 2 warm-ups; the median and the slowest of the wall-clock times (DESIGN.md: under a second).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const times: number[] = [];
for (let i = 0; i < 17; i++) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'contactsync.js'), '--help'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`contactsync --help failed: ${run.stderr}`);
  if (i >= 2) times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'cli-start',
    command: 'contactsync --help',
    runs: times.length,
    medianMs: Math.round(times[Math.floor(times.length / 2)]!),
    maxMs: Math.round(times.at(-1)!),
  }),
);
