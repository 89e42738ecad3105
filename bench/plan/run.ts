// `npm run bench:plan`: the planner at N = 1,000, 10,000 and 100,000, each size in a fresh process.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1_000, 10_000, 100_000];
const script = fileURLToPath(new URL('./plan-once.ts', import.meta.url));
for (const n of sizes) {
  const line = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(n)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(line);
}
