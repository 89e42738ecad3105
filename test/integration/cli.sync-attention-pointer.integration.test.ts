import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';
import { smallSeed, started, TENANT_A } from '../support/simulators.ts';

const dir = mkdtempSync(join(tmpdir(), 'sync-attention-'));
let sims: RunningSimulators;
let config: string;

function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

beforeAll(async () => {
  buildCli();
  sims = await started(smallSeed(2));
  config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
}, 60_000);
afterAll(async () => {
  await sims.close();
});

describe('contactsync sync, when people are left waiting for a person', () => {
  it('says how many and points to contactsync attention, which lists them; once none waits, it says nothing', async () => {
    // No phone in Microsoft 365 and no blank-phone replacement: held from BMS.
    sims.graph.updateUser(TENANT_A, 'a00001', { businessPhones: [], mobilePhone: null });
    const run = await cs(['sync']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '1 person needs attention (1 held): contactsync attention lists them, with what to do.',
    );

    const listed = await cs(['attention']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^held \(1\)$/m);
    expect(listed.stdout).toContain('a00001@contoso.com');

    sims.graph.updateUser(TENANT_A, 'a00001', { businessPhones: ['+1 206 555 0111'] });
    const settled = await cs(['sync']);
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.stdout).toMatch(/Contoso Ltd\s+ok/);
    expect(settled.stdout).not.toContain('contactsync attention');
  }, 60_000);
});
