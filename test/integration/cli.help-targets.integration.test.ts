import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type CliRun } from '../support/cli.ts';

/**
 * The help speaks of the documentation platform and the PSA, or lists every target there is: an installation on Hudu
 * and HaloPSA reads no help that speaks as if IT Glue and BMS were the only ones.
 */

/** Each role's targets, the one a default install has first. */
const DOCUMENTATION = ['IT Glue', 'Hudu'];
const PSAS = ['BMS', 'Autotask', 'ConnectWise', 'Halo'];

const COMMANDS = [
  [],
  ['init'],
  ['config', 'set-secret'],
  ['doctor'],
  ['tenants'],
  ['tenants', 'discover'],
  ['tenants', 'map'],
  ['plan'],
  ['sync'],
  ['contact'],
  ['contact', 'show'],
  ['contact', 'disable'],
  ['contact', 'unlink'],
  ['contact', 'relink'],
  ['sandbox'],
  ['simulators'],
];

const dir = mkdtempSync(join(tmpdir(), 'help-targets-'));
const helps = new Map<string, CliRun>();

beforeAll(async () => {
  buildCli();
  // Two at a time: each is a process of its own that takes about a second of CPU to start.
  for (let i = 0; i < COMMANDS.length; i += 2) {
    const batch = COMMANDS.slice(i, i + 2);
    const runs = await Promise.all(
      batch.map((args) => runCli([...args, '--help'], { CONTACTSYNC_DATA_DIR: dir }, dir)),
    );
    runs.forEach((run, k) => helps.set(batch[k]!.join(' '), run));
  }
}, 120_000);

/** The help of a command on one line, after checking that it answered. */
function helpOf(key: string): string {
  const run = helps.get(key)!;
  expect(run.code, `${key} --help: ${run.stderr}`).toBe(0);
  return run.stdout.replace(/\s+/g, ' ');
}

/** Where a help names the default target of a role without every other target of that role. */
function alone(help: string): string[] {
  return [DOCUMENTATION, PSAS].flatMap((role) => {
    const found = role.filter((name) => new RegExp(`\\b${name}`).test(help));
    return found.includes(role[0]!) && found.length < role.length
      ? [`names ${found.join(', ')} without ${role.filter((name) => !found.includes(name)).join(', ')}`]
      : [];
  });
}

describe('contactsync --help', () => {
  it.each(COMMANDS.map((args) => [args.join(' ') || '(top)', args.join(' ')]))(
    '%s: names IT Glue or BMS only beside every other target of its role',
    (_label, key) => {
      expect(alone(helpOf(key))).toEqual([]);
    },
  );

  it('says what sync writes, and what the contact commands leave alone, by role', () => {
    expect(helpOf('sync')).toContain('write the documentation platform and the PSA');
    expect(helpOf('plan')).toContain('old → new for the documentation platform and the PSA');
    expect(helpOf('contact disable')).toContain(
      'leave the contact alone in the PSA (--leg all: in the documentation platform too)',
    );
    expect(helpOf('tenants map')).toContain('or "none" to sync the documentation platform only');
  });

  it('lists the supported targets where the choice is the reader’s', () => {
    expect(helpOf('')).toContain(
      'a documentation platform (IT Glue, Hudu) and a PSA (Kaseya BMS, Autotask PSA, ConnectWise PSA, HaloPSA)',
    );
    expect(helpOf('init')).toContain(
      'one documentation platform (itglue, hudu), one PSA (bms, autotask, connectwise, halo)',
    );
    for (const key of ['itglue.apiKey', 'hudu.apiKey', 'bms.password'])
      expect(helpOf('config set-secret')).toContain(key);
  });
});
