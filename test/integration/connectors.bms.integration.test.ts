import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { RunningSimulators } from '../../src/sandbox/simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
import { smallSeed, started } from '../support/simulators.ts';

let sims: RunningSimulators;
let connectors: Connectors;
beforeEach(async () => {
  sims = await started(
    smallSeed(1, {
      bms: {
        accounts: [
          {
            id: 1,
            name: 'Contoso Ltd',
            locations: [{ id: 11, name: 'HQ', isMain: true }],
            contacts: Array.from({ length: 2500 }, (_, i) => ({
              id: 500 + i,
              firstName: `F${i}`,
              lastName: 'Person',
              emailAddress: `p${i}@contoso.com`,
              emailTypeId: 1,
              phoneNumber: '+12065550100',
              phoneTypeId: 1,
              locationId: 11,
              isActive: i % 10 !== 0,
            })),
          },
          { id: 2, name: 'Fabrikam', locations: [{ id: 21, name: 'Main', isMain: true }], contacts: [] },
        ],
        emailTypes: [{ id: 1, name: 'Work' }],
        phoneTypes: [
          { id: 1, name: 'Office' },
          { id: 2, name: 'Mobile' },
        ],
      },
    }),
  );
  connectors = connectTo(sims);
});
afterEach(async () => {
  await sims.close();
});

const fields: PsaContactFields = {
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: 'CFO',
  emailAddress: 'ann@contoso.com',
  emailTypeId: 1,
  phoneNumber: '+12065550123',
  phoneTypeId: 1,
  locationId: 21,
  isActive: true,
};

describe('BmsPsa', () => {
  it('logs in once and reads all contacts of an account, active and inactive, at the largest page', async () => {
    const before = sims.requests.length;
    const contacts = await connectors.bms.listContacts(1);
    expect(contacts).toHaveLength(2500);
    expect(contacts.filter((c) => !c.isActive)).toHaveLength(250);
    expect(requestsSince(sims, 'bms', before)).toEqual([
      'POST /v2/security/authenticate',
      ...Array(3).fill('GET /v2/crm/contacts/summary'),
    ]);
  });

  it('lists accounts, locations and types', async () => {
    expect(await connectors.bms.listAccounts()).toEqual([
      { id: 1, name: 'Contoso Ltd' },
      { id: 2, name: 'Fabrikam' },
    ]);
    expect(await connectors.bms.listLocations(1)).toEqual([{ id: 11, name: 'HQ', isMain: true }]);
    expect(await connectors.bms.listEmailTypes()).toEqual([{ id: 1, name: 'Work' }]);
    expect(await connectors.bms.listPhoneTypes()).toEqual([
      { id: 1, name: 'Office' },
      { id: 2, name: 'Mobile' },
    ]);
  });

  it('searches by email and by name within the account, and reads one contact with its phone', async () => {
    expect((await connectors.bms.findContactsByEmail(1, 'P3@contoso.com')).map((c) => c.id)).toEqual([503]);
    expect((await connectors.bms.findContactsByName(1, 'f4', 'person')).map((c) => c.id)).toEqual([504]);
    expect(await connectors.bms.findContactsByEmail(2, 'p3@contoso.com')).toEqual([]);
    expect(await connectors.bms.readContact(505)).toMatchObject({
      id: 505,
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
      emailTypeId: 1,
    });
    expect(await connectors.bms.readContact(99999)).toBeNull();
  });

  it('creates, updates and inactivates a contact', async () => {
    const created = await connectors.bms.createContact(2, fields);
    expect(created).toEqual({ ok: true, id: expect.any(Number) });
    const id = created.ok ? created.id : 0;
    expect(await connectors.bms.updateContact(2, id, { ...fields, jobTitle: 'CEO' })).toEqual({ ok: true, id });
    expect(await connectors.bms.inactivateContact(id)).toEqual({ ok: true, id });
    expect(sims.bms.contactsOf(2)).toEqual([
      expect.objectContaining({ id, jobTitle: 'CEO', isActive: false, phoneNumber: '+12065550123' }),
    ]);
  });

  it('turns a refused contact into a reason naming the field', async () => {
    const result = await connectors.bms.createContact(2, { ...fields, phoneNumber: '' });
    expect(result).toEqual({
      ok: false,
      reasons: [
        {
          code: 'bms-refused',
          field: 'defaultPhoneNumber',
          message: expect.stringMatching(/phone number is required/),
        },
      ],
    });
  });

  it('renews the token before it expires, with the refresh token', async () => {
    sims.bms.accessTokenLifetimeSeconds = 90;
    const before = sims.requests.length;
    // The connector's clock moves with the simulator's.
    const psa = new BmsPsa({ credentials: sims.credentials.bms, baseUrl: sims.urls.bms, now: () => sims.clock.now() });
    await psa.listEmailTypes();
    sims.clock.advance(20_000);
    await psa.listEmailTypes();
    sims.clock.advance(20_000); // 50 s left: within the renewal margin
    await psa.listEmailTypes();
    expect(requestsSince(sims, 'bms', before)).toEqual([
      'POST /v2/security/authenticate',
      'GET /v2/system/emailtypes',
      'GET /v2/system/emailtypes',
      'POST /v2/security/refreshtoken',
      'GET /v2/system/emailtypes',
    ]);
    expect(sims.requests.slice(before).every((r) => r.status !== 401)).toBe(true);
  });

  it('re-authenticates after a 401 and carries on', async () => {
    await connectors.bms.listEmailTypes();
    sims.bms.expireAccessTokens();
    expect(await connectors.bms.listPhoneTypes()).toHaveLength(2);
    const statuses = sims.requests
      .filter((r) => r.server === 'bms')
      .slice(-3)
      .map((r) => `${r.route} ${r.status}`);
    expect(statuses).toEqual([
      '/v2/system/phonetypes 401',
      '/v2/security/refreshtoken 200',
      '/v2/system/phonetypes 200',
    ]);
  });

  it('says what is wrong with the login', async () => {
    const wrong = new BmsPsa({
      credentials: { ...sims.credentials.bms, password: 'P@ss-not-it' },
      baseUrl: sims.urls.bms,
    });
    const error = await wrong.listAccounts().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/user name, the password and the tenant/);
    expect((error as Error).message).not.toContain('P@ss-not-it');
    sims.bms.registerUser({ userName: 'clerk', password: 'pw-123456', tenant: 'Sandbox MSP', apiAccess: false });
    const clerk = new BmsPsa({
      credentials: { userName: 'clerk', password: 'pw-123456', tenant: 'Sandbox MSP' },
      baseUrl: sims.urls.bms,
    });
    await expect(clerk.listAccounts()).rejects.toThrow(/API employee with API access/);
  });
});
