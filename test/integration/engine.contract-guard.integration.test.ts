import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/cli/output.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { smallSeed, TENANT_A, user } from '../support/simulators.ts';

const silent = pino({ level: 'silent' });

let box: Sandbox | null = null;
afterEach(async () => {
  await box?.close();
  box = null;
});

async function sandbox(seed: Seed): Promise<Sandbox> {
  box = await startSandbox({ seed, dbPath: join(mkdtempSync(join(tmpdir(), 'guard-')), 'state.db'), logger: silent });
  return box;
}

function tenantA(results: readonly TenantRunResult[]): TenantRunResult {
  return results.find((r) => r.tenantId === TENANT_A)!;
}

function writesTo(b: Sandbox, server: 'itglue' | 'bms', method: string): number {
  return b.sims.requests.filter((r) => r.server === server && r.method === method).length;
}

/** A hundred new users of tenant A (the seed's other tenant has no IT Glue organization). */
const hundredNewUsers = (simulate: Record<string, unknown> = {}) => parseSeed({ ...smallSeed(100), simulate });

describe('the contract guard', () => {
  it('takes creates BMS answers 201 as made: every new user is reported created in BMS, none failed', async () => {
    const b = await sandbox(parseSeed({ ...smallSeed(5), simulate: { bms: { createStatus: 201 } } }));
    const result = tenantA(await b.syncAll({ force: true }));
    expect(result.users.map((u) => [u.outcome, u.psa])).toEqual(Array.from({ length: 5 }, () => ['synced', 'created']));
    expect(b.sims.bms.contactsOf(1)).toHaveLength(5);
    expect(b.sims.requests.filter((r) => r.server === 'bms' && r.method === 'POST' && r.status === 201)).toHaveLength(
      5,
    );
  });

  it('stops BMS writes at the first create whose phone did not land: a hundred new users make one BMS contact', async () => {
    const b = await sandbox(hundredNewUsers({ bms: { ignoreFields: ['phones'] } }));
    const result = tenantA(await b.syncAll({ force: true }));
    expect(b.sims.bms.contactsOf(1)).toHaveLength(1);
    expect(writesTo(b, 'bms', 'POST')).toBe(1 + 1); // the login and the one create
    const users = result.users;
    expect(users).toHaveLength(100);
    // IT Glue goes on: every contact is there.
    expect(users.every((u) => u.doc === 'created')).toBe(true);
    expect(b.sims.itglue.contactsOf('1')).toHaveLength(100);
    expect(users.every((u) => u.outcome === 'failed' && u.psa === 'failed')).toBe(true);
    for (const u of users) {
      expect(u.reasons).toContainEqual(
        expect.objectContaining({
          code: 'contract-mismatch',
          field: 'phoneNumber',
          message: expect.stringMatching(/BMS/),
        }),
      );
    }
    const first = users.find((u) => u.psaContactId !== null)!;
    expect(first.reasons.find((r) => r.code === 'contract-mismatch')!.message).toMatch(
      /^BMS did not keep "phoneNumber" of the first create of this run: sent "\+1206\d+", read back null/,
    );
    expect(result.counts.failed).toBe(100);
    expect(exitCodeOf([result])).toBe(3);
  });

  it('lets every BMS write through when what was sent lands', async () => {
    const b = await sandbox(hundredNewUsers());
    const result = tenantA(await b.syncAll({ force: true }));
    expect(b.sims.bms.contactsOf(1)).toHaveLength(100);
    expect(result.users.every((u) => u.psa === 'created' && u.doc === 'created')).toBe(true);
    expect(exitCodeOf([result])).toBe(0);
    // One read-back per system and kind of write: one BMS contact and one IT Glue contact read.
    const reads = b.sims.requests.filter(
      (r) => r.method === 'GET' && (r.route === '/v2/crm/contacts/summary/{id}' || r.route === '/contacts/{id}'),
    );
    expect(reads.map((r) => r.route).sort()).toEqual(['/contacts/{id}', '/v2/crm/contacts/summary/{id}']);
  });

  it('stops IT Glue writes at the first create whose phones did not land: one IT Glue contact, nothing in BMS', async () => {
    const b = await sandbox(hundredNewUsers());
    b.sims.itglue.ignoredAttributes = ['contact-phones'];
    const result = tenantA(await b.syncAll({ force: true }));
    expect(b.sims.itglue.contactsOf('1')).toHaveLength(1);
    expect(result.users.every((u) => u.doc === 'failed')).toBe(true);
    for (const u of result.users)
      expect(u.reasons).toContainEqual(
        expect.objectContaining({
          code: 'contract-mismatch',
          field: 'phones',
          message: expect.stringMatching(/IT Glue/),
        }),
      );
    // A BMS contact is pushed only after its IT Glue contact is written.
    expect(b.sims.bms.contactsOf(1)).toHaveLength(0);
    expect(exitCodeOf([result])).toBe(3);
  });

  it('stops IT Glue updates at the first one whose title did not land', async () => {
    const users = Array.from({ length: 20 }, (_, i) => user(`u${i}`, { jobTitle: 'Engineer' }));
    const seed = parseSeed({
      ...smallSeed(0),
      tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users }],
      itglue: {
        contactTypes: [{ id: '1', name: 'Employee' }],
        organizations: [
          {
            id: '1',
            name: 'Contoso Ltd',
            locations: [{ id: '10', name: 'HQ', primary: true }],
            contacts: users.map((u, i) => ({
              id: String(100 + i),
              'first-name': 'User',
              'last-name': u.id,
              title: 'Intern',
              'location-id': '10',
              'contact-emails': [{ value: u.mail, primary: true, 'label-name': 'Work' }],
              'contact-phones': [{ value: '2065550100', primary: true, 'label-name': 'Work' }],
            })),
          },
        ],
      },
    });
    const b = await sandbox(seed);
    b.sims.itglue.ignoredAttributes = ['title'];
    const result = tenantA(await b.syncAll({ force: true }));
    expect(writesTo(b, 'itglue', 'PATCH')).toBe(1);
    expect(result.users.every((u) => u.doc === 'failed')).toBe(true);
    expect(result.users[0]!.reasons).toContainEqual(
      expect.objectContaining({ code: 'contract-mismatch', field: 'title' }),
    );
  });
});

describe('BMS type ids given as numbers', () => {
  it('pushes contacts when the type lists cannot be read and the settings give the ids', async () => {
    const seed = parseSeed({ ...smallSeed(5), settings: { psa: { emailType: 1, phoneType: '1' } } });
    const b = await sandbox(seed);
    b.sims.bms.typeListsReadable = false;
    const result = tenantA(await b.syncAll({ force: true }));
    expect(result.status).toBe('ok');
    expect(b.sims.bms.contactsOf(1)).toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ emailTypeId: 1, phoneTypeId: 1 })),
    );
    // The lists were not even asked for.
    expect(b.sims.requests.filter((r) => r.route.startsWith('/v2/system/'))).toEqual([]);
  });

  it('fails the run with how to give the ids when the lists cannot be read and the settings name the types', async () => {
    const b = await sandbox(smallSeed(5));
    b.sims.bms.typeListsReadable = false;
    const result = tenantA(await b.syncAll({ force: true }));
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/BMS's list of (email|phone) types could not be read/);
    expect(result.error).toMatch(/contactsync tenants settings TENANT --set psa\.(email|phone)Type=ID/);
    expect(b.sims.bms.contactsOf(1)).toHaveLength(0);
  });
});
