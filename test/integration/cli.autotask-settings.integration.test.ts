import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { standaloneConfig } from '../../src/sandbox/standalone-config.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { seedOf } from '../support/autotask-simulator.ts';
import { buildCli, runCli, type CliRun } from '../support/cli.ts';

/**
 * `tenants settings` and `contact show` with Autotask PSA alone: the settings Autotask does not read are said apart
 * and refused, the default location is checked against the company's Autotask locations, and the link into Autotask's
 * web app is given once the config names the zone's web address.
 */

const dir = mkdtempSync(join(tmpdir(), 'cli-autotask-settings-'));
const configPath = join(dir, 'cs.json');
let sims: RunningSimulators;
let config: Record<string, unknown>;

const cs = (...args: string[]): Promise<CliRun> =>
  runCli(['--config', configPath, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);

/** `tenants settings --set ASSIGNMENT` refused with the message, exit code 1. */
async function refused(assignment: string, message: string): Promise<void> {
  const run = await cs('tenants', 'settings', 'Contoso Ltd', '--set', assignment);
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(message);
}

const writeConfig = (autotask: Record<string, unknown> = {}) =>
  writeFileSync(
    configPath,
    JSON.stringify({ ...config, autotask: { ...(config.autotask as Record<string, unknown>), ...autotask } }),
  );

beforeAll(async () => {
  buildCli();
  const seed = seedOf({}, 3);
  sims = await startSimulators(seed);
  config = standaloneConfig(sims, seed, configPath);
  // As a config written without the zone's web address (the simulators' config names it, as init does)
  writeConfig({ webUrl: null });
  for (const args of [['tenants', 'discover'], ['sync']]) {
    const run = await cs(...args);
    if (run.code !== 0) throw new Error(`${args.join(' ')}: ${run.stdout}${run.stderr}`);
  }
}, 120_000);
afterAll(async () => {
  await sims?.close();
});

describe('tenants settings with Autotask alone', () => {
  it('shows the settings Autotask reads, and says apart those it does not, with why', async () => {
    const shown = await cs('tenants', 'settings', 'Contoso Ltd');
    expect(shown.code, shown.stderr).toBe(0);
    const effective = JSON.parse(shown.stdout);
    expect(effective.psa).toEqual({ autoPush: true, leavers: 'inactivate' });
    expect(effective).not.toHaveProperty('contactType');
    expect(shown.stderr).toContain(
      'psa.emailType, psa.phoneType (Autotask has no email or phone types: the primary email goes in its Email field, the office phone in Phone and the mobile phone in Mobile phone)',
    );
    const json = JSON.parse((await cs('tenants', 'settings', 'Contoso Ltd', '--json')).stdout);
    expect(json.notUsed.contactType).toContain('this installation has Autotask alone');
  });

  it('refuses a contact type, which needs a documentation platform, and saves nothing', async () => {
    await refused(
      'contactType=Employee',
      "contactType: not used here: a documentation platform's setting, and this installation has Autotask alone.",
    );
    await refused('psa.phoneType=Office', 'psa.phoneType: not used here: Autotask has no email or phone types');
    const json = JSON.parse((await cs('tenants', 'settings', 'Contoso Ltd', '--json')).stdout);
    expect(json.overrides).toEqual({});
  });

  it('checks the default location against the company’s Autotask locations', async () => {
    await refused(
      'location.default=Basement',
      'Autotask\'s company "Contoso Ltd" has no "Basement": the names are: "HQ", "Annex"',
    );
    const saved = await cs('tenants', 'settings', 'Contoso Ltd', '--set', 'location.default=annex');
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/Saved the settings of Contoso Ltd/);
  });
});

describe('contact show with Autotask alone', () => {
  it('links into Autotask once the config names the zone’s web address, and says how before', async () => {
    const before = await cs('contact', 'show', 'a1@contoso.com');
    expect(before.code, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/Autotask contact: \d+/);
    expect(before.stdout).toContain('Autotask: Set autotask.webUrl in the config');
    writeConfig({ webUrl: 'https://ww14.autotask.net/' });
    const after = await cs('contact', 'show', 'a1@contoso.com');
    expect(after.stdout).toMatch(
      /Autotask: https:\/\/ww14\.autotask\.net\/Autotask\/AutotaskExtend\/ExecuteCommand\.aspx\?Code=OpenContact&ContactID=\d+/,
    );
    expect(after.stdout).not.toContain('Set autotask.webUrl');
    const json = JSON.parse((await cs('contact', 'show', 'a1@contoso.com', '--json')).stdout);
    expect(json.links.autotask).toMatch(/ContactID=\d+$/);
    expect(json.links.autotaskHint).toBeNull();
  });
});
