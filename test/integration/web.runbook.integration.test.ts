import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphUserSeedSchema } from '../../src/sandbox/seed.ts';
import { user } from '../support/simulators.ts';
import { startWebHarness, type WebHarness } from '../support/web.ts';

let web: WebHarness;
let contoso: string;

beforeAll(async () => {
  web = await startWebHarness();
  contoso = web.box.sims.dump().tenants.find((t) => t.displayName === 'Contoso Ltd')!.id;
}, 120_000);
afterAll(async () => {
  await web?.close();
});

const call = (url: string, token = web.tokens.admin) =>
  web.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` } });

describe('POST /api/tenants/{id}/users/{user}/sync: a runbook syncs a new hire right after making the account', () => {
  it('syncs a user the tenant has never read, by sign-in name, and answers with every step', async () => {
    const before = await web.box.store.lastReadAt(contoso);
    web.box.sims.graph.addUser(
      contoso,
      graphUserSeedSchema.parse(
        user(crypto.randomUUID(), {
          userPrincipalName: 'ines.newhire@contoso.com',
          givenName: 'Inès',
          surname: 'Newhire',
          displayName: 'Inès Newhire',
          mail: 'ines.newhire@contoso.com',
          proxyAddresses: ['SMTP:ines.newhire@contoso.com'],
          businessPhones: ['+1 206 555 0142'],
          jobTitle: 'Paralegal',
        }),
      ),
    );
    const response = await call(
      `/api/tenants/contoso%20ltd/users/${encodeURIComponent('Ines.Newhire@contoso.com')}/sync`,
    );
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      tenant: { displayName: string };
      user: { id: string; userPrincipalName: string };
      outcome: string;
      steps: { step: string; detail: string }[];
      result: { itglue: string; bms: string; itglueContactId: string; bmsContactId: number };
    };
    expect(body.tenant.displayName).toBe('Contoso Ltd');
    expect(body.user.userPrincipalName).toBe('ines.newhire@contoso.com');
    expect(body.steps.map((s) => s.step)).toEqual(['read', 'scope', 'match', 'plan', 'apply']);
    expect(body.steps[0]!.detail).toBe('ines.newhire@contoso.com (Inès Newhire)');
    expect(body.outcome).toBe('synced');
    expect(body.result).toMatchObject({ itglue: 'created', bms: 'created' });
    // The contact is in IT Glue and in BMS now, not at the next poll.
    const state = web.box.sims.dump();
    const doc = state
      .itglue!.organizations.flatMap((o) => o.contacts)
      .find((c) => String(c.id) === body.result.itglueContactId)!;
    expect(doc).toMatchObject({ 'first-name': 'Inès', 'last-name': 'Newhire', title: 'Paralegal' });
    const psa = state.bms!.accounts.flatMap((a) => a.contacts).find((c) => c.id === body.result.bmsContactId)!;
    expect(psa).toMatchObject({ firstName: 'Inès', emailAddress: 'ines.newhire@contoso.com', isActive: true });
    // Only that user was read: the tenant's delta was not.
    expect(await web.box.store.lastReadAt(contoso)).toBe(before);
    // Asked again (the runbook retries), nothing is duplicated.
    const again = (await call(`/api/tenants/${contoso}/users/${body.user.id}/sync`)).json() as typeof body;
    expect(again.result).toMatchObject({ itglue: 'unchanged', bms: 'unchanged' });
    expect(again.result.itglueContactId).toBe(body.result.itglueContactId);
  });

  it('says when Microsoft 365 has no such user, and what to do', async () => {
    const response = await call(`/api/tenants/${contoso}/users/nobody%40contoso.com/sync`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.message).toBe(
      'Microsoft 365 of Contoso Ltd has no user nobody@contoso.com: give the sign-in name or the object id. A new account can take a minute to be readable; try again then.',
    );
  });

  it('needs an admin token, and is described in the OpenAPI document', async () => {
    expect((await call(`/api/tenants/${contoso}/users/x/sync`, web.tokens.viewer)).statusCode).toBe(403);
    const document = (await web.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { summary: string }>>;
    };
    expect(document.paths['/api/tenants/{id}/users/{user}/sync']?.post?.summary).toMatch(/^Onboarding runbooks/);
  });
});
