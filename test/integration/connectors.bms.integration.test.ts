import { afterEach, describe, expect, it } from 'vitest';
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
import { addInBmsByHand, smallSeed } from '../support/simulators.ts';

let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

/** Account 1 with `count` contacts (every tenth inactive), account 2 empty; BMS as `simulate.bms` says. */
async function bmsWith(
  count: number,
  simulate: Record<string, unknown> = {},
): Promise<[RunningSimulators, Connectors]> {
  const seed = smallSeed(1, {
    bms: {
      accounts: [
        {
          id: 1,
          name: 'Contoso Ltd',
          locations: [{ id: 11, name: 'HQ', isMain: true }],
          contacts: Array.from({ length: count }, (_, i) => ({
            id: 500 + i,
            firstName: `F${i}`,
            lastName: 'Person',
            jobTitle: 'Clerk',
            emailAddress: `p${i}@contoso.com`,
            emailTypeId: 1,
            phoneNumber: '+12065550100',
            phoneTypeId: 1,
            mobilePhone: null,
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
  });
  sims = await startSimulators(parseSeed({ ...seed, simulate: { bms: simulate } }));
  return [sims, connectTo(sims)];
}

const fields: PsaContactFields = {
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: 'CFO',
  emailAddress: 'ann@contoso.com',
  emailTypeId: 1,
  phoneNumber: '+12065550123',
  phoneTypeId: 2,
  mobilePhone: null,
  locationId: 21,
  isActive: true,
};

describe.each(['camel', 'pascal'] as const)('BmsPsa against a BMS answering in %sCase', (keyCase) => {
  it('logs in once and reads all 2,500 contacts of an account, active and inactive, 100 a page', async () => {
    const [s, c] = await bmsWith(2500, { keyCase });
    const contacts = await c.bms.listContacts(1);
    expect(contacts).toHaveLength(2500);
    expect(new Set(contacts.map((x) => x.id)).size).toBe(2500);
    expect(contacts.filter((x) => !x.isActive)).toHaveLength(250);
    // The account comes from the query: the summary's items do not carry it.
    expect(contacts[3]).toEqual({
      id: 503,
      accountId: 1,
      firstName: 'F3',
      lastName: 'Person',
      jobTitle: 'Clerk',
      emailAddress: 'p3@contoso.com',
      emailTypeId: 1,
      phoneNumber: null,
      phoneTypeId: null,
      mobilePhone: null,
      otherEmails: [],
      locationId: 11,
      isActive: true,
    });
    expect(requestsSince(s, 'bms', 0)).toEqual([
      'POST /v2/security/authenticate',
      ...Array(25).fill('GET /v2/crm/contacts/summary'),
    ]);
  });

  it('lists accounts, locations and types', async () => {
    const [, c] = await bmsWith(0, { keyCase });
    expect(await c.bms.listAccounts()).toEqual([
      { id: 1, name: 'Contoso Ltd' },
      { id: 2, name: 'Fabrikam' },
    ]);
    expect(await c.bms.listLocations(1)).toEqual([{ id: 11, name: 'HQ', isMain: true }]);
    expect(await c.bms.listEmailTypes()).toEqual([{ id: 1, name: 'Work' }]);
    expect(await c.bms.listPhoneTypes()).toEqual([
      { id: 1, name: 'Office' },
      { id: 2, name: 'Mobile' },
    ]);
  });

  it('searches by email and by name, keeping only the account asked for, and reads one contact with its phone', async () => {
    const [, c] = await bmsWith(60, { keyCase });
    expect((await c.bms.findContactsByEmail(1, 'P3@contoso.com')).map((x) => x.id)).toEqual([503]);
    expect((await c.bms.findContactsByName(1, 'f4', 'person')).map((x) => x.id)).toEqual([504]);
    // BMS's search takes no account filter: the contact of account 1 is not one of account 2's.
    expect(await c.bms.findContactsByEmail(2, 'p3@contoso.com')).toEqual([]);
    expect(await c.bms.readContact(505)).toMatchObject({
      id: 505,
      accountId: 1,
      emailAddress: 'p5@contoso.com',
      emailTypeId: 1,
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
      mobilePhone: null,
    });
    expect(await c.bms.readContact(99999)).toBeNull();
  });

  it('creates a contact with emails and phones lists, then updates and inactivates it', async () => {
    const [s, c] = await bmsWith(0, { keyCase });
    const created = await c.bms.createContact(2, fields);
    expect(created).toEqual({ ok: true, id: expect.any(Number) });
    const id = created.ok ? created.id : 0;
    // Everything sent landed: a client speaking another shape has its contact refused or stripped.
    expect(await c.bms.readContact(id)).toEqual({ id, accountId: 2, ...fields, otherEmails: [] });
    expect(await c.bms.updateContact(2, id, { ...fields, jobTitle: 'CEO', phoneNumber: '+12065550199' })).toEqual({
      ok: true,
      id,
    });
    expect(await c.bms.inactivateContact(2, id)).toEqual({ ok: true, id });
    expect(s.bms.contactsOf(2)).toEqual([
      expect.objectContaining({ id, jobTitle: 'CEO', isActive: false, phoneNumber: '+12065550199', phoneTypeId: 2 }),
    ]);
  });

  describe('a contact to which a technician added an email and a phone in BMS', () => {
    const handAdded = {
      email: { emailAddress: 'f1.personal@example.com', emailTypeId: 1 },
      phone: { phoneNumber: '+12065550142', phoneTypeId: 2 },
    };
    /** Contact 501 as contactsync maps it. */
    const mine: PsaContactFields = {
      firstName: 'F1',
      lastName: 'Person',
      jobTitle: 'Clerk',
      emailAddress: 'p1@contoso.com',
      emailTypeId: 1,
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
      mobilePhone: null,
      locationId: 11,
      isActive: true,
    };

    it('keeps both when contactsync changes the title, at the cost of one read before the write', async () => {
      const [s, c] = await bmsWith(3, { keyCase });
      await addInBmsByHand(s, 501, handAdded);
      const from = s.requests.length;
      expect(await c.bms.updateContact(1, 501, { ...mine, jobTitle: 'Controller' })).toEqual({
        ok: true,
        id: 501,
      });
      const sent = requestsSince(s, 'bms', from);
      expect(await c.bms.readContact(501)).toMatchObject({ jobTitle: 'Controller', emailAddress: 'p1@contoso.com' });
      expect(s.bms.entriesOf(501)).toEqual({
        emails: [{ emailAddress: 'p1@contoso.com', emailTypeId: 1 }, handAdded.email],
        phones: [{ phoneNumber: '+12065550100', phoneTypeId: 1 }, handAdded.phone],
      });
      expect(sent).toEqual([
        'POST /v2/security/authenticate',
        'GET /v2/crm/contacts/summary/{id}',
        'PUT /v2/crm/contacts/{id}',
      ]);
    });

    it('keeps its former email as a second one, replaces its phone, and does not add twice one the technician already added', async () => {
      const [s, c] = await bmsWith(3, { keyCase });
      await addInBmsByHand(s, 501, handAdded);
      const moved = { ...mine, emailAddress: 'f1.new@contoso.com', phoneNumber: '+1 (206) 555-0142' };
      expect(await c.bms.updateContact(1, 501, moved)).toEqual({ ok: true, id: 501 });
      expect(s.bms.entriesOf(501)).toEqual({
        emails: [
          { emailAddress: 'f1.new@contoso.com', emailTypeId: 1 },
          { emailAddress: 'p1@contoso.com', emailTypeId: 1 },
          handAdded.email,
        ],
        phones: [{ phoneNumber: '+1 (206) 555-0142', phoneTypeId: 1 }],
      });
    });

    it('keeps both when contactsync inactivates the contact', async () => {
      const [s, c] = await bmsWith(3, { keyCase });
      await addInBmsByHand(s, 501, handAdded);
      const before = s.bms.entriesOf(501);
      expect(await c.bms.inactivateContact(1, 501)).toEqual({ ok: true, id: 501 });
      expect(s.bms.contactsOf(1).find((x) => x.id === 501)?.isActive).toBe(false);
      expect(s.bms.entriesOf(501)).toEqual(before);
    });
  });

  it('reports a contact gone from BMS as not found, asked to update or inactivate it', async () => {
    const [, c] = await bmsWith(3, { keyCase });
    expect(await c.bms.updateContact(1, 9999, fields)).toEqual({
      ok: false,
      reasons: [expect.objectContaining({ code: 'bms-not-found' })],
    });
    expect(await c.bms.inactivateContact(1, 9999)).toMatchObject({ ok: false, reasons: [{ code: 'bms-not-found' }] });
  });

  it("turns a refused contact into a reason naming the field, from BMS's error envelope", async () => {
    const [s, c] = await bmsWith(0, { keyCase });
    const refused = {
      ok: false,
      reasons: [
        { code: 'bms-refused', field: 'phones[0].phoneNumber', message: expect.stringMatching(/a value is required/) },
      ],
    };
    expect(await c.bms.createContact(2, { ...fields, phoneNumber: '' })).toEqual(refused);
    // The same refusal inside a 200: the flag decides, not the status.
    s.bms.refusalStatus = 200;
    expect(await c.bms.createContact(2, { ...fields, phoneNumber: '' })).toEqual(refused);
    expect(await c.bms.createContact(2, { ...fields, firstName: ' ' })).toMatchObject({
      ok: false,
      reasons: [{ field: 'firstName' }],
    });
    expect(s.bms.contactsOf(2)).toEqual([]);
  });
});

describe('BmsPsa paging against a BMS that caps pages silently', () => {
  it.each([100, 37])('reads 250 contacts whole when pages are capped at %i', async (cap) => {
    const [s, c] = await bmsWith(250, { pageSizeCap: cap });
    const contacts = await c.bms.listContacts(1);
    expect(contacts.map((x) => x.id)).toEqual(Array.from({ length: 250 }, (_, i) => 500 + i));
    expect(requestsSince(s, 'bms', 0).filter((r) => r.startsWith('GET'))).toHaveLength(Math.ceil(250 / cap));
  });
});

describe('BmsPsa tokens', () => {
  it('renews the token before it expires, reading its zoneless expiry as UTC whatever the local zone', async () => {
    const zone = process.env.TZ;
    // Far from UTC: a zoneless time read as local would be hours off, and renewal would come too early or too late.
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const [s] = await bmsWith(0);
      s.bms.accessTokenLifetimeSeconds = 90;
      // The connector's clock moves with the simulator's.
      const psa = new BmsPsa({ credentials: s.credentials.bms, baseUrl: s.urls.bms!, now: () => s.clock.now() });
      await psa.listEmailTypes();
      s.clock.advance(20_000);
      await psa.listEmailTypes();
      s.clock.advance(20_000); // 50 s left: within the renewal margin
      await psa.listEmailTypes();
      expect(requestsSince(s, 'bms', 0)).toEqual([
        'POST /v2/security/authenticate',
        'GET /v2/system/emailtypes/lookup',
        'GET /v2/system/emailtypes/lookup',
        'POST /v2/security/refreshtoken',
        'GET /v2/system/emailtypes/lookup',
      ]);
      expect(s.requests.every((r) => r.status !== 401)).toBe(true);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('re-authenticates after a 401 and carries on', async () => {
    const [s, c] = await bmsWith(0);
    await c.bms.listEmailTypes();
    s.bms.expireAccessTokens();
    expect(await c.bms.listPhoneTypes()).toHaveLength(2);
    const statuses = s.requests.slice(-3).map((r) => `${r.route} ${r.status}`);
    expect(statuses).toEqual([
      '/v2/system/phonetypes/lookup 401',
      '/v2/security/refreshtoken 200',
      '/v2/system/phonetypes/lookup 200',
    ]);
  });

  it('says what is wrong with the login', async () => {
    const [s] = await bmsWith(0);
    const wrong = new BmsPsa({ credentials: { ...s.credentials.bms, password: 'P@ss-not-it' }, baseUrl: s.urls.bms! });
    const error = await wrong.listAccounts().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/user name, the password and the tenant/);
    expect((error as Error).message).not.toContain('P@ss-not-it');
    s.bms.registerUser({ userName: 'clerk', password: 'pw-123456', tenant: 'Sandbox MSP', apiAccess: false });
    const clerk = new BmsPsa({
      credentials: { userName: 'clerk', password: 'pw-123456', tenant: 'Sandbox MSP' },
      baseUrl: s.urls.bms!,
    });
    await expect(clerk.listAccounts()).rejects.toThrow(/API employee with API access/);
  });
});

describe('BmsPsa type lists', () => {
  it('says how to give the type ids as numbers when BMS will not list the types', async () => {
    const [s, c] = await bmsWith(0);
    s.bms.typeListsReadable = false;
    const email = await c.bms.listEmailTypes().catch((caught: unknown) => caught);
    expect(isConnectorError(email, 'NotFound')).toBe(true);
    expect((email as Error).message).toContain('answered 404');
    expect((email as Error).message).toContain('"settings": {"psa": {"emailType": ID}}');
    expect((email as Error).message).toContain('contactsync tenants settings TENANT --set psa.emailType=ID');
    await expect(c.bms.listPhoneTypes()).rejects.toThrow(/--set psa\.phoneType=ID/);
  });
});

describe('BmsPsa accounts, by the confirmed lookup', () => {
  /** `count` accounts, each with a main location and no contacts. */
  async function accounts(count: number): Promise<[RunningSimulators, Connectors]> {
    const seed = smallSeed(1, {
      bms: {
        accounts: Array.from({ length: count }, (_, i) => ({
          id: i + 1,
          name: `Customer ${i + 1}`,
          locations: [{ id: 1000 + i, name: 'Main', isMain: true }],
        })),
        emailTypes: [{ id: 1, name: 'Work' }],
        phoneTypes: [{ id: 1, name: 'Office' }],
      },
    });
    sims = await startSimulators(seed);
    return [sims, connectTo(sims)];
  }

  it.each([2, 150])(
    'lists all %i accounts once each from GET /v2/crm/accounts/lookup, which serves the whole list',
    async (count) => {
      const [s, c] = await accounts(count);
      const listed = await c.bms.listAccounts();
      expect(listed.map((a) => a.id)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(listed[0]).toEqual({ id: 1, name: 'Customer 1' });
      const asked = requestsSince(s, 'bms', 0).filter((r) => r.startsWith('GET'));
      // Paged as the contract says; the page that repeats the first shows that BMS served it whole, and ends it.
      expect(new Set(asked)).toEqual(new Set(['GET /v2/crm/accounts/lookup']));
      expect(asked.length).toBeLessThanOrEqual(2);
    },
  );
});

describe('BmsPsa creates', () => {
  it.each([200, 201] as const)(
    'takes a create answered %i as made, and reports the new contact, never a failure',
    async (createStatus) => {
      const [s, c] = await bmsWith(0, { createStatus });
      const created = await c.bms.createContact(2, fields);
      expect(created).toEqual({ ok: true, id: expect.any(Number) });
      expect(s.bms.contactsOf(2)).toEqual([expect.objectContaining({ id: created.ok ? created.id : 0 })]);
      expect(s.requests.filter((r) => r.route === '/v2/crm/contacts/summary' && r.method === 'POST')).toEqual([
        expect.objectContaining({ status: createStatus }),
      ]);
    },
  );
});

describe('BmsPsa sign-in of a user with MFA', () => {
  it('says plainly to use an API user without MFA', async () => {
    const [, c] = await bmsWith(0, { mfa: true });
    const error = await c.bms.listAccounts().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/multi-factor authentication \(MFA\)/);
    expect((error as Error).message).toMatch(/use an API user without MFA/);
    expect((error as Error).message).not.toMatch(/Check the user name, the password/);
  });
});
