import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/config/json-text.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, initEnvOf, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';
import { smallSeed } from '../support/simulators.ts';
import { Terminal } from '../support/terminal.ts';

// What a technician meets first with BMS: type lists at a path BMS does not serve, and API users with MFA. `init` and
// `doctor` must say so at once; the first sync must never be where it is found.

/** A BMS that answers 404 to the email and phone type lists, as one whose paths differ would. */
const seed = parseSeed({ ...smallSeed(), simulate: { bms: { typeLists: false } } });
const MFA_USER = { userName: 'mfa-api', password: 'mfa-password-123', tenant: 'Sandbox MSP' };
let sims: RunningSimulators;

beforeAll(async () => {
  sims = await startSimulators(seed);
  sims.bms.registerUser({ ...MFA_USER, apiAccess: true, mfa: true });
  cliEntry();
}, 120_000);
afterAll(async () => {
  await sims?.close();
});

function newDir(): string {
  return mkdtempSync(join(tmpdir(), 'bms-first-'));
}

/** The answers of `init` from the environment, pointed at the simulators. */
function initEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...initEnvOf(sims), CONTACTSYNC_DATA_DIR: join(dir, 'data'), ...extra };
}

function init(dir: string, extra: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['--config', join(dir, 'contactsync.json'), 'init'], initEnv(dir, extra), dir);
}

function doctor(dir: string, config: string): Promise<CliRun> {
  return runCli(['--config', config, 'doctor'], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

describe('BMS email and phone types that BMS does not list', () => {
  it('init from the environment refuses to write a config without the type ids, saying where BMS shows them', async () => {
    const dir = newDir();
    const run = await init(dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Kaseya BMS does not list its email types where contactsync asks \(GET \/v2\/system\/emailtypes\/lookup answered 404\), so the email type must be given by its id, or every contact written to BMS would fail\. BMS shows a type's id .*Swagger UI \(http:\/\/127\.0\.0\.1:\d+\/swagger\/\).*emails\[\]\.emailTypeId.* Set CONTACTSYNC_BMS_EMAIL_TYPE_ID to the id\./,
    );
    expect(run.stderr).toMatch(/Set CONTACTSYNC_BMS_PHONE_TYPE_ID to the id\./);
  });

  it('init writes the type ids it is given into the settings, and doctor then finds nothing to fix in them', async () => {
    const dir = newDir();
    const run = await init(dir, { CONTACTSYNC_BMS_EMAIL_TYPE_ID: '1', CONTACTSYNC_BMS_PHONE_TYPE_ID: '1' });
    expect(run.code, run.stderr).toBe(0);
    const config = join(dir, 'contactsync.json');
    expect((parseJsonText(readFileSync(config, 'utf8'), config) as { settings: unknown }).settings).toEqual({
      psa: { emailType: 1, phoneType: 1 },
    });
    const checked = await doctor(dir, config);
    expect(checked.stdout).toMatch(
      /! Kaseya BMS email types: could not be read; the settings give the type id, so none is needed\./,
    );
    expect(checked.stdout).not.toMatch(/✗ Kaseya BMS/);
  });

  it('init at a terminal asks for each type id, and refuses a name', async () => {
    const dir = newDir();
    const config = join(dir, 'contactsync.json');
    // Every other answer comes from the environment; the types are asked.
    const env = initEnv(dir, { CONTACTSYNC_ITGLUE_REGION: 'us', CONTACTSYNC_BMS_REGION: 'us' });
    const term = new Terminal([process.execPath, cliEntry(), '--config', config, 'init'], env, dir);
    try {
      await term.waitFor('✓ Kaseya BMS (us) signed');
      await term.waitFor('✗ Kaseya BMS does not list its email types');
      await term.waitFor('Kaseya BMS email type id (a number): ');
      term.type('Work');
      await term.waitFor('a type id is a whole number such as 3, not its name');
      await term.waitFor('Kaseya BMS email type id (a number): ');
      term.type('1');
      await term.waitFor('✗ Kaseya BMS does not list its phone types');
      await term.waitFor('Kaseya BMS phone type id (a number): ');
      term.type('2');
      await term.waitFor('Wrote ');
      expect(await term.exited).toBe(0);
    } finally {
      term.kill();
    }
    expect((parseJsonText(readFileSync(config, 'utf8'), config) as { settings: unknown }).settings).toEqual({
      psa: { emailType: 1, phoneType: 2 },
    });
  });

  it('doctor fails plainly while the settings name the types, saying to give their ids and where BMS shows them', async () => {
    const dir = newDir();
    const run = await doctor(dir, simulatorConfig(sims, dir));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ Kaseya BMS email types: the settings name "Work" \(psa\.emailType\)\. BMS's list of email types could not be read \(GET \/v2\/system\/emailtypes\/lookup answered 404.*every contact written to BMS would fail\. Give the BMS email type id as a number instead.*emails\[\]\.emailTypeId/,
    );
    expect(run.stdout).toMatch(/✗ Kaseya BMS phone types: the settings name "Office" \(psa\.phoneType\)/);
  });

  it('doctor fails when BMS lists its types but not the one the settings name', async () => {
    sims.bms.typeListsReadable = true;
    try {
      const dir = newDir();
      const config = simulatorConfig(sims, dir, { settings: { psa: { emailType: 'Business' } } });
      const run = await doctor(dir, config);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        '✗ Kaseya BMS email types: the settings give "Business" (psa.emailType), which BMS does not have: every contact written to BMS would fail. BMS has "Work" (id 1): set psa.emailType to one of them.',
      );
      expect(run.stdout).toContain('✓ Kaseya BMS phone types: "Office" (id 1) (setting psa.phoneType)');
    } finally {
      sims.bms.typeListsReadable = false;
    }
  });
});

describe('a BMS API user with multi-factor authentication', () => {
  it('init says to use an API user without MFA', async () => {
    const dir = newDir();
    const run = await init(dir, {
      CONTACTSYNC_BMS_USER: MFA_USER.userName,
      CONTACTSYNC_BMS_PASSWORD: MFA_USER.password,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Kaseya BMS \(region us\) refused the login: mfa-api has multi-factor authentication \(MFA\), and contactsync signs in unattended: use an API user without MFA\./,
    );
    expect(run.stderr).not.toContain(MFA_USER.password);
    expect(run.stderr.match(/multi-factor/g)).toHaveLength(1);
  });

  it('doctor says to use an API user without MFA', async () => {
    const dir = newDir();
    const config = simulatorConfig(sims, dir, {
      bms: { ...MFA_USER, baseUrl: sims.urls.bms! },
    });
    const run = await doctor(dir, config);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ Kaseya BMS: BMS refused the login of mfa-api: the user has multi-factor authentication \(MFA\), and contactsync signs in unattended, with no one to type a code: use an API user without MFA/,
    );
    // Said once: not BMS's own words and then the same again as advice.
    expect(run.stdout.match(/multi-factor/g)).toHaveLength(1);
  });
});
