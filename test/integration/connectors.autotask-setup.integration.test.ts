import { afterEach, describe, expect, it } from 'vitest';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import { autotaskSetup } from '../../src/connectors/autotask/setup.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { seedOf } from '../support/autotask-simulator.ts';

let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

const discoveryOf = (s: RunningSimulators) => `${s.urls.autotask!}/atservicesrest/v1.0/zoneInformation`;

describe('connecting Autotask', () => {
  it("finds the API user's zone, its API and web address, and says so when Autotask knows no such user", async () => {
    sims = await startSimulators(seedOf({}, 3));
    const psa = new AutotaskPsa({ credentials: sims.credentials.autotask, zoneDiscoveryUrl: discoveryOf(sims) });
    expect(await psa.zone()).toEqual({
      apiBase: `${sims.urls.autotask!}/atservicesrest/v1.0/`,
      webUrl: `${sims.urls.autotask!}/`,
      name: 'Sandbox',
    });
    expect(await psa.listContacts(1)).toHaveLength(3);
    const stranger = new AutotaskPsa({
      credentials: { ...sims.credentials.autotask, userName: 'nobody@msp.example' },
      zoneDiscoveryUrl: discoveryOf(sims),
    });
    const error = await stranger.listAccounts().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toContain('nobody@msp.example');
  });

  it('signs in with init’s answers, and refuses a wrong secret without showing it', async () => {
    sims = await startSimulators(seedOf({}, 3));
    const { userName, secret, integrationCode } = sims.credentials.autotask;
    const baseUrl = `${sims.urls.autotask!}/atservicesrest/`;
    const answers = { autotaskUserName: userName, autotaskSecret: secret, autotaskIntegrationCode: integrationCode };
    const ok = await autotaskSetup.signIn(answers, baseUrl);
    expect(ok).toMatchObject({ ok: true });
    expect(ok?.message).toMatch(/signed .* in; the database spent \d+ of its 10000 requests this hour/);
    const wrong = await autotaskSetup.signIn({ ...answers, autotaskSecret: 'at-not-the-secret' }, baseUrl);
    expect(wrong).toMatchObject({ ok: false });
    expect(wrong?.message).toMatch(/its secret and the integration code/);
    expect(wrong?.message).not.toContain('at-not-the-secret');
  });

  it('doctor lists companies, locations and links, and names a contact field this Autotask requires that contactsync does not fill', async () => {
    sims = await startSimulators(seedOf({ requiredFields: ['title', 'alternatePhone'] }, 3));
    const { userName, secret, integrationCode } = sims.credentials.autotask;
    const checks = await autotaskSetup.doctor({
      block: { userName, secret, integrationCode, baseUrl: `${sims.urls.autotask!}/atservicesrest/` },
      transport: {},
      mapped: [{ displayName: 'Contoso Ltd', customerId: '1' }],
      capture: false,
      settings: async () => [DEFAULT_SETTINGS],
    });
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['Autotask PSA']?.state).toBe('ok');
    expect(byName['Autotask permissions']).toMatchObject({ state: 'ok' });
    expect(byName['Autotask permissions']?.detail).toContain('2 companies');
    expect(byName['Autotask contact fields']).toMatchObject({ state: 'fail' });
    expect(byName['Autotask contact fields']?.detail).toContain('"alternatePhone"');
    expect(byName['Autotask locations of Contoso Ltd']?.detail).toBe('"HQ", "Annex"');
    expect(byName['Autotask links']?.state).toBe('warn');
  });
});
