import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('the README walk-through of init', () => {
  it('names every CONTACTSYNC_ variable that init reads, the simulators addresses among them', () => {
    const source = [
      'src/cli/commands/init.ts',
      'src/cli/init-questions.ts',
      'src/connectors/itglue/setup.ts',
      'src/connectors/bms/setup.ts',
      'src/connectors/bms/setup-types.ts',
      'src/connectors/autotask/setup.ts',
      'src/connectors/connectwise/setup.ts',
    ]
      .map(read)
      .join('');
    const variables = [...new Set(source.match(/CONTACTSYNC_[A-Z_]+/g))];
    expect(variables).toEqual(expect.arrayContaining(['CONTACTSYNC_MS_LOGIN_URL', 'CONTACTSYNC_BMS_URL']));
    const readme = read('README.md');
    expect(variables.filter((name) => !readme.includes(name))).toEqual([]);
  });
});
