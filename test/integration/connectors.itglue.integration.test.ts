import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocContactFields } from '../../src/domain/doc-contact.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import { ITGLUE_REGIONS } from '../../src/connectors/itglue/wire.ts';
import type { RunningSimulators } from '../../src/sandbox/simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
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
      emails: [{ value: 'p0@contoso.com', primary: true, label: 'Work' }],
      phones: [{ value: '2065550100', extension: null, primary: true, label: 'Work' }],
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

  it('creates several contacts in one request', async () => {
    const before = sims.requests.length;
    const results = await connectors.itglue.createContacts('2', [draft(1), draft(2), draft(3)]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(requestsSince(sims, 'itglue', before)).toEqual(['POST /contacts']);
    expect(sims.itglue.contactsOf('2').map((c) => [c['first-name'], c['contact-phones'][0]?.value])).toEqual([
      ['New1', '12065550111'],
      ['New2', '12065550111'],
      ['New3', '12065550111'],
    ]);
  });

  it('updates several contacts in one bulk PATCH, with only the attributes given', async () => {
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
    expect(requestsSince(sims, 'itglue', before)).toEqual(Array(3).fill('POST /contacts'));
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

  it('says to check the key and its region when the key is refused', async () => {
    const wrong = new ItGlueDocStore({ apiKey: 'ITG.wrongkey', baseUrl: sims.urls.itglue });
    const error = await wrong.listOrganizations().catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/region/);
  });

  it('knows the regional hosts', () => {
    expect(ITGLUE_REGIONS).toEqual({
      us: 'https://api.itglue.com',
      eu: 'https://api.eu.itglue.com',
      au: 'https://api.au.itglue.com',
    });
  });
});
