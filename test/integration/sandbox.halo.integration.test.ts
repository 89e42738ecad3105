import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from '../support/simulators.ts';

const silent = pino({ level: 'silent' });

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

/**
 * Halo alone: tenant A's client lists the tenant among its Azure tenants under another name, and another client has
 * the tenant's name. User a2 is in Halo already with its Entra object id, under an old name and old addresses; a3 has
 * a Halo user with its address and no object id; a1 is new.
 */
function seed() {
  return parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        users: [user('a1'), user('a2', { givenName: 'Ann', surname: 'Lee' }), user('a3')],
      },
    ],
    halo: {
      clients: [
        {
          id: 7,
          name: 'Contoso (Seattle)',
          azure_tenants: [{ azure_tenant_id: TENANT_A }],
          sites: [{ id: 71, name: 'Seattle' }],
          users: [
            {
              id: 501,
              firstname: 'Annie',
              surname: 'Smith',
              name: 'Annie Smith',
              emailaddress: 'annie.smith@contoso-old.com',
              site_id: 71,
              azureoid: 'a2',
              azure_tenant_id: TENANT_A,
            },
            { id: 502, firstname: 'User', surname: 'a3', name: 'User a3', emailaddress: 'a3@contoso.com', site_id: 71 },
          ],
        },
        { id: 8, name: 'Contoso Ltd', sites: [{ id: 81, name: 'Main' }] },
      ],
    },
  });
}

describe('the sandbox with Halo alone', () => {
  it('maps the tenant to the client listing it, finds a user by azureoid although every address changed, and writes the object id on every user', async () => {
    box = await startSandbox({
      seed: seed(),
      dbPath: join(mkdtempSync(join(tmpdir(), 'halo-')), 'state.db'),
      logger: silent,
    });
    const [result] = await box.syncAll({ force: true });
    expect(result!.status).toBe('ok');
    const byUser = new Map(result!.users.map((u) => [u.userId, u]));
    expect(byUser.get('a2')).toMatchObject({ psa: 'linked', rule: 'link', psaContactId: 501 });
    expect(byUser.get('a3')).toMatchObject({ psa: 'linked', psaContactId: 502 });
    expect(byUser.get('a1')).toMatchObject({ psa: 'created' });

    const users = box.sims.halo.usersOf(7);
    expect(users).toHaveLength(3);
    expect(box.sims.halo.usersOf(8)).toEqual([]);
    expect(box.sims.halo.user(501)).toMatchObject({
      firstname: 'Ann',
      surname: 'Lee',
      emailaddress: 'a2@contoso.com',
      azureoid: 'a2',
      azure_tenant_id: TENANT_A,
    });
    for (const id of ['a1', 'a3'])
      expect(users.find((u) => u.emailaddress === `${id}@contoso.com`)).toMatchObject({
        azureoid: id,
        azure_tenant_id: TENANT_A,
        site_id: 71,
      });
    expect(box.sims.requests.filter((r) => r.server === 'halo' && r.method === 'DELETE')).toEqual([]);

    // The next run has nothing to write.
    const [again] = await box.syncAll({ force: true });
    expect(again!.users.every((u) => u.psa === 'unchanged')).toBe(true);
  }, 60_000);
});
