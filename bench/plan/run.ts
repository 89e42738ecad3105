// `npm run bench:plan`: the planner at N = 1,000, 10,000 and 100,000, each size in a fresh process. The planner
// runs as the product runs it: compiled by tsc (into dist-bench/), not through a loader that rewrites the code.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
execFileSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.bench.json')],
  { stdio: 'inherit' },
);
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1_000, 10_000, 100_000];
const script = join(root, 'dist-bench', 'bench', 'plan', 'plan-once.js');
for (const n of sizes) {
  const line = execFileSync(process.execPath, ['--expose-gc', script, String(n)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(line);
}
