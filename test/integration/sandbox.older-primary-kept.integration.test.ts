import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from '../support/simulators.ts';

/**
 * DESIGN.md, field rules: "The Microsoft primary email becomes the contact's primary email; an older primary is kept as
 * a non-primary email." A contact found by the user's alias gets the user's primary, and keeps the alias it had.
 */

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

const tenants = [
  {
    id: TENANT_A,
    displayName: 'Contoso Ltd',
    initialDomain: 'contoso.onmicrosoft.com',
    users: [user('a1', { proxyAddresses: ['SMTP:a1@contoso.com', 'smtp:a1.old@contoso.com'] })],
  },
];

async function sync(seed: unknown) {
  box = await startSandbox({
    seed: parseSeed(seed),
    dbPath: join(mkdtempSync(join(tmpdir(), 'older-primary-')), 'state.db'),
    logger: pino({ level: 'silent' }),
  });
  const [result] = await box.syncAll({ force: true });
  expect(result!.status).toBe('ok');
  expect(result!.users[0]).toMatchObject({ psa: 'linked', psaContactId: 501 });
  return box;
}

describe('an older primary email, kept as a non-primary one', () => {
  it('Halo', async () => {
    const sandbox = await sync({
      tenants,
      halo: {
        clients: [
          {
            id: 1,
            name: 'Contoso Ltd',
            sites: [{ id: 11, name: 'Main' }],
            users: [
              {
                id: 501,
                firstname: 'User',
                surname: 'a1',
                name: 'User a1',
                emailaddress: 'a1.old@contoso.com',
                site_id: 11,
              },
            ],
          },
        ],
      },
    });
    const held = sandbox.sims.halo.user(501)!;
    expect(held.emailaddress).toBe('a1@contoso.com');
    expect([held.email2, held.email3]).toContain('a1.old@contoso.com');
  });

  it('ConnectWise', async () => {
    const sandbox = await sync({
      tenants,
      connectwise: {
        communicationTypes: [
          { id: 1, description: 'Email', emailFlag: true },
          { id: 2, description: 'Direct', phoneFlag: true },
          { id: 4, description: 'Cell', phoneFlag: true },
        ],
        companies: [
          {
            id: 1,
            identifier: 'Contoso',
            name: 'Contoso Ltd',
            sites: [{ id: 11, name: 'Main', primaryAddressFlag: true }],
            contacts: [
              {
                id: 501,
                firstName: 'User',
                lastName: 'a1',
                site: { id: 11 },
                communicationItems: [
                  { type: { id: 1 }, communicationType: 'Email', value: 'a1.old@contoso.com', defaultFlag: true },
                ],
              },
            ],
          },
        ],
      },
    });
    const items = sandbox.sims.connectwise.contactsWithIds([501])[0]!.communicationItems!;
    const emails = items.filter((i) => i.communicationType === 'Email');
    expect(emails.find((i) => i.defaultFlag)?.value).toBe('a1@contoso.com');
    expect(emails.map((i) => i.value)).toContain('a1.old@contoso.com');
  });
});
