import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const OLDEST = '20.19.0';

describe('the Node versions the package supports', () => {
  it('are 20.19+, 22, 24 and 26', () => {
    const range = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    for (const version of [OLDEST, '22.0.0', '24.0.0', '26.0.0']) expect(semver.satisfies(version, range)).toBe(true);
    expect(semver.satisfies('20.18.0', range)).toBe(false);
  });

  it(`are supported by every package installed at run time, so that npm install warns of none (EBADENGINE)`, () => {
    const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((path) => path !== '' && path !== ROOT);
    const refusing = paths.flatMap((path) => {
      const { name, version, engines } = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        engines?: { node?: string };
      };
      const wanted = engines?.node;
      return wanted === undefined || semver.satisfies(OLDEST, wanted)
        ? []
        : [`${name}@${version} needs node ${wanted}`];
    });
    expect(refusing).toEqual([]);
  }, 30_000);
});
