import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { seedOf } from '../support/autotask-simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-autotask-'));
const config = join(dir, 'contactsync.json');
let sims: RunningSimulators;

/** The answers of `init` from the environment: the Microsoft app, and the Autotask API user of the simulator. */
const env = (): Record<string, string> => ({
  CONTACTSYNC_PARTNER_TENANT_ID: sims.credentials.partnerTenantId,
  CONTACTSYNC_MS_CLIENT_ID: sims.credentials.graph.clientId,
  CONTACTSYNC_MS_CLIENT_SECRET: sims.credentials.graph.clientSecret,
  CONTACTSYNC_MS_LOGIN_URL: sims.urls.login,
  CONTACTSYNC_GRAPH_URL: sims.urls.graph,
  CONTACTSYNC_AUTOTASK_USER: sims.credentials.autotask.userName,
  CONTACTSYNC_AUTOTASK_SECRET: sims.credentials.autotask.secret,
  CONTACTSYNC_AUTOTASK_INTEGRATION_CODE: sims.credentials.autotask.integrationCode,
  // The simulator's host, as a person gives it: the API's path is added.
  CONTACTSYNC_AUTOTASK_URL: sims.urls.autotask!,
  CONTACTSYNC_DATA_DIR: join(dir, 'data'),
});

const cs = (args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCli(['--config', config, ...args], { ...env(), ...extra }, dir);

beforeAll(async () => {
  sims = await startSimulators(seedOf({}, 3));
}, 60_000);
afterAll(async () => {
  await sims?.close();
});

describe('the CLI with Autotask PSA alone', () => {
  it('init signs in to Autotask and writes its block with the secret encrypted; doctor checks it; sync writes to it', async () => {
    // Checked against Autotask at once: a secret it refuses is reported, and no config is written.
    const refused = await cs(['init', '--targets', 'autotask'], { CONTACTSYNC_AUTOTASK_SECRET: 'at-not-it' });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/Autotask PSA refused contactsync-api@sandbox-msp\.example/);
    expect(refused.stdout + refused.stderr).not.toContain('at-not-it');
    const init = await cs(['init', '--targets', 'autotask']);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/"autotask": \{"userName":"contactsync-api@sandbox-msp\.example","secret":"enc:v1:/);
    expect(text).not.toContain(sims.credentials.autotask.secret);
    expect(text).not.toMatch(/"bms"|"itglue"/);

    const wrong = await cs(['config', 'set-secret', 'autotask.secret'], { CONTACTSYNC_SECRET_VALUE: 'at-not-it' });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/its secret and the integration code/);
    expect(readFileSync(config, 'utf8')).toBe(text);

    expect((await cs(['tenants', 'discover'])).code).toBe(0);
    const sync = await cs(['sync']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Autotask/);
    // The Microsoft user became an Autotask contact of the company of the tenant's name.
    expect(sims.autotask.contactsOf(1).some((c) => c.emailAddress === 'a1@contoso.com')).toBe(true);

    const doctor = await cs(['doctor']);
    expect(doctor.stdout).toMatch(/✓ Autotask PSA: signed in; the database spent \d+ of its 10000 requests this hour/);
    expect(doctor.stdout).toMatch(/✓ Autotask permissions: companies and contacts read: 2 companies/);
    expect(doctor.stdout).toMatch(/✓ Autotask locations of Contoso Ltd: "HQ", "Annex"/);
    expect(doctor.stdout).not.toMatch(/BMS|IT Glue/);
  }, 120_000);
});
