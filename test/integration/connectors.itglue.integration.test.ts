import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocContactFields } from '../../src/domain/doc-contact.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import { ITGLUE_REGIONS } from '../../src/connectors/itglue/wire.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { smallSeed, started } from '../support/simulators.ts';

let sims: RunningSimulators;
let connectors: Connectors;
beforeEach(async () => {
  const contacts = Array.from({ length: 3000 }, (_, i) => ({
    id: String(5000 + i),
    'first-name': `First${i}`,
    'last-name': 'Person',
    'location-id': '10',
    'contact-emails': [{ value: `p${i}@contoso.com`, primary: true, 'label-name': 'Work' }],
    'contact-phones': [{ value: '2065550100', primary: true, 'label-name': 'Work' }],
  }));
  sims = await started(
    smallSeed(1, {
      itglue: {
        organizations: [
          { id: '1', name: 'Contoso Ltd', locations: [{ id: '10', name: 'HQ', primary: true }], contacts },
          { id: '2', name: 'Fabrikam', locations: [{ id: '20', name: 'Main', primary: true }], contacts: [] },
        ],
        contactTypes: [{ id: '1', name: 'Employee' }],
      },
    }),
  );
  connectors = connectTo(sims);
});
afterEach(async () => {
  await sims.close();
});

function draft(n: number, email = `new${n}@contoso.com`): DocContactFields {
  return {
    firstName: `New${n}`,
    lastName: 'Hire',
    title: 'Engineer',
    contactTypeId: '1',
    locationId: '20',
    emails: [{ value: email, primary: true, label: 'Work' }],
    phones: [{ value: '12065550111', extension: null, primary: true, label: 'Work' }],
  };
}

describe('ItGlueDocStore', () => {
  it('reads 3,000 contacts of one organization with 3 requests', async () => {
    const before = sims.requests.length;
    const contacts = await connectors.itglue.listContacts('1');
    expect(contacts).toHaveLength(3000);
    expect(contacts[0]).toEqual({
      id: '5000',
      organizationId: '1',
      firstName: 'First0',
      lastName: 'Person',
      title: null,
      contactTypeId: null,
      locationId: '10',
      important: false,
      notes: null,
      mirroredPsaContactId: null,
      emails: [{ value: 'p0@contoso.com', primary: true, label: 'Work' }],
      phones: [{ value: '2065550100', extension: null, primary: true, label: 'Work' }],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(requestsSince(sims, 'itglue', before)).toEqual(Array(3).fill('GET /contacts'));
  });

  it('lists organizations, locations and contact types', async () => {
    expect(await connectors.itglue.listOrganizations()).toEqual([
      { id: '1', name: 'Contoso Ltd' },
      { id: '2', name: 'Fabrikam' },
    ]);
    expect(await connectors.itglue.listLocations('1')).toEqual([{ id: '10', name: 'HQ', primary: true }]);
    expect(await connectors.itglue.listContactTypes()).toEqual([{ id: '1', name: 'Employee' }]);
  });

  it("creates several contacts in one request on the organization's nested route", async () => {
    const before = sims.requests.length;
    const results = await connectors.itglue.createContacts('2', [draft(1), draft(2), draft(3)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(requestsSince(sims, 'itglue', before)).toEqual(['POST /organizations/{id}/relationships/contacts']);
    expect(sims.itglue.contactsOf('2').map((c) => [c['first-name'], c['contact-phones'][0]?.value])).toEqual([
      ['New1', '12065550111'],
      ['New2', '12065550111'],
      ['New3', '12065550111'],
    ]);
  });

  it('updates several contacts in one bulk PATCH (each id inside attributes), with only the attributes given', async () => {
    const before = sims.requests.length;
    const results = await connectors.itglue.updateContacts([
      { id: '5000', patch: { title: 'CFO' } },
      { id: '5001', patch: { lastName: 'Renamed' } },
    ]);
    expect(results).toEqual([
      { ok: true, id: '5000' },
      { ok: true, id: '5001' },
    ]);
    expect(requestsSince(sims, 'itglue', before)).toEqual(['PATCH /contacts']);
    const [a, b] = sims.itglue.contactsOf('1');
    expect([a!.title, a!['last-name'], b!.title, b!['last-name']]).toEqual(['CFO', 'Person', null, 'Renamed']);
  });

  it('sends email and phone changes one contact at a time, since the bulk update documents neither', async () => {
    const before = sims.requests.length;
    const results = await connectors.itglue.updateContacts([
      { id: '5000', patch: { emails: [{ value: 'moved@contoso.com', primary: true, label: 'Work' }] } },
      { id: '5001', patch: { title: 'A' } },
      { id: '5002', patch: { phones: [{ value: '12065550199', extension: null, primary: true, label: 'Work' }] } },
      { id: '5003', patch: { title: 'B' } },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(requestsSince(sims, 'itglue', before).sort()).toEqual([
      'PATCH /contacts',
      'PATCH /contacts/{id}',
      'PATCH /contacts/{id}',
    ]);
    const [a, b, c, d] = sims.itglue.contactsOf('1');
    expect([a!['contact-emails'][0]?.value, b!.title, c!['contact-phones'][0]?.value, d!.title]).toEqual([
      'moved@contoso.com',
      'A',
      '12065550199',
      'B',
    ]);
  });

  it('reports a refused record with the field, and writes the others', async () => {
    const results = await connectors.itglue.createContacts('2', [draft(1), draft(2, 'not-an-email'), draft(3)]);
    expect(results[0]).toEqual({ ok: true, id: expect.any(String) });
    expect(results[1]).toEqual({
      ok: false,
      reasons: [
        { code: 'itglue-refused', field: 'contact-emails[0].value', message: expect.stringContaining('not-an-email') },
      ],
    });
    expect(results[2]).toEqual({ ok: true, id: expect.any(String) });
    expect(sims.itglue.contactsOf('2').map((c) => c['first-name'])).toEqual(['New1', 'New3']);
    const updates = await connectors.itglue.updateContacts([
      { id: '5000', patch: { locationId: '99' } },
      { id: '5001', patch: { title: 'Ok' } },
    ]);
    expect(updates[0]).toMatchObject({ ok: false, reasons: [{ field: 'location-id' }] });
    expect(updates[1]).toEqual({ ok: true, id: '5001' });
  });

  it('sends more than a batch in batches of 100', async () => {
    const before = sims.requests.length;
    const results = await connectors.itglue.createContacts(
      '2',
      Array.from({ length: 250 }, (_, i) => draft(i)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(250);
    expect(requestsSince(sims, 'itglue', before)).toEqual(
      Array(3).fill('POST /organizations/{id}/relationships/contacts'),
    );
  });

  it('backs off on a 429 without Retry-After and carries on', async () => {
    sims.itglue.limiter.limit = 2;
    sims.itglue.limiter.windowMs = 400;
    const list = await connectTo(sims, {
      policy: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 400 },
    }).itglue.listContactTypes();
    const more = await connectTo(sims, {
      policy: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 400 },
    }).itglue.listOrganizations();
    const third = await connectTo(sims, {
      policy: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 400 },
    }).itglue.listLocations('1');
    expect([list.length, more.length, third.length]).toEqual([1, 2, 1]);
    expect(sims.requests.some((r) => r.server === 'itglue' && r.status === 429)).toBe(true);
  });

  it('says to check the key and its region when IT Glue answers 403 to a wrong key', async () => {
    const wrong = new ItGlueDocStore({ apiKey: 'ITG.wrongkey', baseUrl: sims.urls.itglue! });
    const error = await wrong.listOrganizations().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect(error).toMatchObject({ status: 403 });
    expect((error as Error).message).toMatch(/check the key and its region/);
    expect(sims.requests.filter((r) => r.server === 'itglue').map((r) => r.status)).toEqual([403]);
  });

  it('waits out a 429 through the whole 5-minute window instead of giving up after a few tries', async () => {
    sims.itglue.limiter.limit = 1;
    await connectors.itglue.listContactTypes(); // the window's only request
    let waited = 0;
    const patient = new ItGlueDocStore({
      apiKey: sims.credentials.itglueApiKey,
      baseUrl: sims.urls.itglue!,
      // Time passes on the simulators' clock: the wait is virtual.
      sleep: async (ms) => {
        waited += ms;
        sims.clock.advance(ms);
      },
      now: () => sims.clock.now(),
    });
    expect(await patient.listContactTypes()).toEqual([{ id: '1', name: 'Employee' }]);
    const throttled = sims.requests.filter((r) => r.server === 'itglue' && r.status === 429).length;
    expect(throttled).toBeGreaterThan(8); // more than the default attempts of other APIs
    expect(waited).toBeGreaterThanOrEqual(4 * 60_000);
    expect(waited).toBeLessThan(6 * 60_000);
  });

  it('knows the regional hosts', () => {
    expect(ITGLUE_REGIONS).toEqual({
      us: 'https://api.itglue.com',
      eu: 'https://api.eu.itglue.com',
      au: 'https://api.au.itglue.com',
    });
  });
});

describe("ItGlueDocStore: contacts kept in step with BMS by IT Glue's PSA integration", () => {
  it('finds each with its BMS contact id in the contact list itself, whatever their names, at no request of their own', async () => {
    await sims.close();
    const person = (id: number, first: string, last: string, email: string) => ({
      id: String(id),
      'first-name': first,
      'last-name': last,
      'contact-emails': [{ value: email, primary: true, 'label-name': 'Work' }],
    });
    const bms = (id: number, firstName: string, lastName: string, emailAddress: string) => ({
      id,
      firstName,
      lastName,
      emailAddress,
    });
    sims = await started(
      parseSeed({
        ...smallSeed(1, {
          itglue: {
            organizations: [
              {
                id: '1',
                name: 'Contoso Ltd',
                locations: [{ id: '10', name: 'HQ', primary: true }],
                contacts: [
                  person(7000, 'Ann', 'Lee', 'ann@contoso.com'),
                  person(7001, 'Bob', 'Ray', 'bob@contoso.com'),
                  person(7002, 'Ann', 'Lee', 'ann.lee@contoso.com'),
                  person(7003, 'Cy', 'Dee', 'cy@contoso.com'),
                  person(7004, 'Daniel', 'Ho', 'dan@contoso.com'),
                ],
              },
            ],
            contactTypes: [],
          },
          bms: {
            accounts: [
              {
                id: 1,
                name: 'Contoso Ltd',
                locations: [{ id: 11, name: 'HQ', isMain: true }],
                contacts: [
                  bms(700, 'Ann', 'Lee', 'ann@contoso.com'),
                  bms(701, 'Bob', 'Ray', 'bob@contoso.com'),
                  bms(702, 'Ann', 'Lee', 'ann.lee@contoso.com'),
                  bms(703, 'Cy', 'Dee', 'cy@contoso.com'),
                  bms(704, 'Dan', 'Ho', 'dan@contoso.com'),
                ],
              },
            ],
          },
        }),
        simulate: { itglue: { psaSynced: { '7000': 700, '7001': 701, '7002': 702, '7004': 704 } } },
      }),
    );
    const itglue = connectTo(sims).itglue;
    const before = sims.requests.length;
    const contacts = await itglue.listContacts('1');
    expect(Object.fromEntries(contacts.map((c) => [c.id, c.mirroredPsaContactId]))).toEqual({
      '7000': 700,
      '7001': 701,
      '7002': 702,
      '7003': null,
      '7004': 704,
    });
    // Two Ann Lees, and a Daniel whose BMS contact is Dan: the adapter links tell them apart, in the one list request.
    expect(requestsSince(sims, 'itglue', before)).toEqual(['GET /contacts']);
    // For an installation whose PSA is another one (or none), IT Glue's BMS links mirror nothing of it.
    for (const psa of ['autotask', null]) {
      const other = new ItGlueDocStore({ apiKey: sims.credentials.itglueApiKey, baseUrl: sims.urls.itglue!, psa });
      expect((await other.listContacts('1')).map((c) => c.mirroredPsaContactId)).toEqual([
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  });
});
