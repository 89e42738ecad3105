import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { runCli, type CliRun } from '../support/cli.ts';
import { haloSeed } from '../support/halo-simulator.ts';
import { TENANT_A } from '../support/simulators.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-halo-'));
const config = join(dir, 'contactsync.json');
let sims: RunningSimulators;

/** The answers of `init` from the environment: the Microsoft app, and the Halo API application of the simulator. */
const env = (): Record<string, string> => ({
  CONTACTSYNC_PARTNER_TENANT_ID: sims.credentials.partnerTenantId,
  CONTACTSYNC_MS_CLIENT_ID: sims.credentials.graph.clientId,
  CONTACTSYNC_MS_CLIENT_SECRET: sims.credentials.graph.clientSecret,
  CONTACTSYNC_MS_LOGIN_URL: sims.urls.login,
  CONTACTSYNC_GRAPH_URL: sims.urls.graph,
  CONTACTSYNC_HALO_URL: 'https://msp.halopsa.com',
  CONTACTSYNC_HALO_CLIENT_ID: sims.credentials.halo.clientId,
  CONTACTSYNC_HALO_SECRET: sims.credentials.halo.secret,
  CONTACTSYNC_HALO_TENANT: '',
  CONTACTSYNC_HALO_API_URL: sims.urls.halo!,
  CONTACTSYNC_DATA_DIR: join(dir, 'data'),
});

const cs = (args: readonly string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCli(['--config', config, ...args], { ...env(), ...extra }, dir);

beforeAll(async () => {
  sims = await startSimulators(
    haloSeed([
      {
        id: 7,
        name: 'Contoso (Seattle)',
        azure_tenants: [{ azure_tenant_id: TENANT_A }],
        sites: [{ id: 71, name: 'Seattle' }],
      },
    ]),
  );
}, 60_000);
afterAll(async () => {
  await sims?.close();
});

describe('the CLI with HaloPSA alone', () => {
  it('init signs in to Halo and writes its block with the secret encrypted; sync writes to the client listing the tenant; doctor checks it', async () => {
    const refused = await cs(['init', '--targets', 'halo'], { CONTACTSYNC_HALO_SECRET: 'halo-not-it' });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/HaloPSA refused the API application/);
    expect(refused.stdout + refused.stderr).not.toContain('halo-not-it');
    const init = await cs(['init', '--targets', 'halo']);
    expect(init.code, init.stdout + init.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/"halo": \{"baseUrl":"http:\/\/127\.0\.0\.1:\d+","clientId":"[^"]+","secret":"enc:v1:/);
    expect(text).not.toContain(sims.credentials.halo.secret);

    expect((await cs(['tenants', 'discover'])).code).toBe(0);
    const sync = await cs(['sync']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sims.halo.usersOf(7)).toEqual([
      expect.objectContaining({
        emailaddress: 'a1@contoso.com',
        azureoid: 'a1',
        azure_tenant_id: TENANT_A,
        site_id: 71,
      }),
    ]);

    const doctor = await cs(['doctor']);
    expect(doctor.stdout).toMatch(/✓ HaloPSA: signed in; 1 client, 1 of them linked to a Microsoft 365 tenant/);
    expect(doctor.stdout).toMatch(/✓ Halo sites of Contoso Ltd: "Seattle" \(main: "Seattle"\)/);
    expect(doctor.stdout).not.toMatch(/BMS|IT Glue/);
  }, 180_000);
});
