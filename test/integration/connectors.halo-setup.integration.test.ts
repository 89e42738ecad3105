import { describe, expect, it } from 'vitest';
import { haloSetup } from '../../src/connectors/halo/setup.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { haloSeed, useSimulators } from '../support/halo-simulator.ts';
import { TENANT_A } from '../support/simulators.ts';

const startSimulators = useSimulators();

const start = (): Promise<RunningSimulators> =>
  startSimulators(
    haloSeed([
      {
        id: 1,
        name: 'Contoso Ltd',
        main_site_id: 12,
        azure_tenants: [{ azure_tenant_id: TENANT_A }],
        sites: [
          { id: 11, name: 'Annex' },
          { id: 12, name: 'Main' },
        ],
        users: [{ id: 500, firstname: 'Ann', surname: 'Lee', emailaddress: 'ann@contoso.com', site_id: 12 }],
      },
      { id: 2, name: 'Fabrikam', sites: [{ id: 21, name: 'Main' }] },
    ]),
  );

describe('setting HaloPSA up', () => {
  it("init's sign-in takes the API application, and refuses a wrong secret without showing it", async () => {
    const s = await start();
    const answers = { haloUrl: 'https://msp.halopsa.com', haloClientId: s.credentials.halo.clientId };
    const ok = await haloSetup.signIn({ ...answers, haloSecret: s.credentials.halo.secret }, s.urls.halo!);
    expect(ok).toEqual({ ok: true, message: 'HaloPSA signed the API application in; it sees 2 clients.' });
    const refused = await haloSetup.signIn({ ...answers, haloSecret: 'halo-not-it' }, s.urls.halo!);
    expect(refused?.ok).toBe(false);
    expect(refused?.message).toMatch(/check its client id and secret/);
    expect(refused?.message).not.toContain('halo-not-it');
    // The block points at the simulator, and keeps the instance's address for links.
    const block = haloSetup.configBlock({ ...answers, haloSecret: 'x' }, () => 'enc:sealed', s.urls.halo!).block;
    expect(block).toEqual({
      baseUrl: s.urls.halo,
      clientId: s.credentials.halo.clientId,
      secret: 'enc:sealed',
      webUrl: 'https://msp.halopsa.com',
    });
  });

  it('doctor counts the clients linked to a tenant, reads users, and lists the sites of a mapped client', async () => {
    const s = await start();
    const checks = await haloSetup.doctor({
      block: { baseUrl: s.urls.halo, clientId: s.credentials.halo.clientId, secret: s.credentials.halo.secret },
      transport: {},
      mapped: [{ displayName: 'Contoso Ltd', customerId: '1' }],
      capture: false,
      settings: async () => [],
    });
    expect(checks.map((c) => [c.name, c.state, c.detail])).toEqual([
      [
        'HaloPSA',
        'ok',
        'signed in; 2 clients, 1 of them linked to a Microsoft 365 tenant (mapped by it before the name)',
      ],
      ['Halo permissions', 'ok', 'clients and users read: 1 user of "Contoso Ltd"'],
      ['Halo sites of Contoso Ltd', 'ok', '"Annex", "Main" (main: "Main")'],
      ['Halo client of Contoso Ltd', 'ok', '"Contoso Ltd" is linked to 1 Microsoft 365 tenant'],
    ]);
  });
});
