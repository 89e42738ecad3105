import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

describe('the package', () => {
  it('builds once for `npm install && npm start`', () => {
    // The scripts npm runs by itself in a checkout on `npm install`, then `npm start`.
    const run = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare', 'prestart', 'start'];
    const builds = run.filter((name) => /npm run build|tsc /.test(pkg.scripts[name] ?? ''));
    expect(builds).toEqual(['start']);
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
  });

  it('packs the command, the built code and the service unit, without sources, tests or build tools', () => {
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }),
    ) as [{ files: { path: string }[] }];
    const paths = report.files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(['bin/contactsync.js', 'deploy/contactsync.service', 'package.json']));
    expect(paths.filter((path) => /^(src|test|bench|scripts)\//.test(path) || path.endsWith('.ts'))).toEqual([]);
    expect(Object.keys(pkg.dependencies).filter((name) => ['tsx', 'typescript', 'vitest'].includes(name))).toEqual([]);
  }, 30_000);
});
