import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { apiBase, byCompany, call, newContact, seedOf, useAutotaskSimulator } from '../support/autotask-simulator.ts';

/**
 * The Autotask simulator over raw HTTP: creates, updates, limits and its place in the sandbox (zone, credentials and
 * queries in `sandbox.autotask-simulator.integration.test.ts`).
 */

const start = useAutotaskSimulator();

describe('creates', () => {
  it('creates on the company child route alone, answering the new id', async () => {
    const s = await start({}, 1);
    const created = await call(s, 'POST', 'Companies/2/Contacts', newContact);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ itemId: expect.any(Number) });
    expect(s.autotask.contactsOf(2)).toEqual([
      expect.objectContaining({ ...newContact, id: created.body.itemId, emailAddress2: null }),
    ]);
    const root = await call(s, 'POST', 'Contacts', newContact);
    expect(root.status).toBe(405);
    expect(s.autotask.contactsOf(2)).toHaveLength(1);
  });

  it('refuses a contact without companyID, firstName, lastName or isActive, naming the field', async () => {
    const s = await start({}, 1);
    for (const field of ['companyID', 'firstName', 'lastName', 'isActive']) {
      const { [field]: _left, ...rest } = newContact as Record<string, unknown>;
      for (const body of [rest, { ...rest, [field]: field === 'firstName' || field === 'lastName' ? ' ' : null }]) {
        const refused = await call(s, 'POST', 'Companies/2/Contacts', body);
        expect(refused.status, field).toBe(500);
        expect(refused.body.errors.join(' ')).toContain(field);
      }
    }
    expect(s.autotask.contactsOf(2)).toEqual([]);
  });

  it('refuses isActive as a boolean, a companyID other than the route, a foreign location, an unknown company', async () => {
    const s = await start({}, 1);
    const cases: [string, Record<string, unknown>, string][] = [
      ['Companies/2/Contacts', { ...newContact, isActive: true }, 'isActive'],
      ['Companies/2/Contacts', { ...newContact, isActive: 2 }, 'isActive'],
      ['Companies/2/Contacts', { ...newContact, companyID: 1 }, 'companyID'],
      ['Companies/2/Contacts', { ...newContact, companyLocationID: 11 }, 'companyLocationID'],
      ['Companies/9/Contacts', { ...newContact, companyID: 9 }, 'companyID'],
      ['Companies/2/Contacts', { ...newContact, emailAddress: 'not an address' }, 'emailAddress'],
    ];
    for (const [path, body, field] of cases) {
      const refused = await call(s, 'POST', path, body);
      expect(refused.status, field).toBe(500);
      expect(refused.body.errors.join(' ')).toContain(field);
    }
    expect(s.autotask.contactsOf(2)).toEqual([]);
  });

  it("refuses text longer than Autotask's field lengths", async () => {
    const s = await start({}, 1);
    for (const [field, length] of [
      ['firstName', 50],
      ['lastName', 50],
      ['title', 50],
      ['phone', 25],
    ] as const) {
      expect(
        (await call(s, 'POST', 'Companies/2/Contacts', { ...newContact, [field]: 'x'.repeat(length) })).status,
      ).toBe(200);
      const refused = await call(s, 'POST', 'Companies/2/Contacts', { ...newContact, [field]: 'x'.repeat(length + 1) });
      expect(refused.status, field).toBe(500);
      expect(refused.body.errors[0]).toContain(field);
    }
    const long = `${'a'.repeat(254 - '@fabrikam.com'.length + 1)}@fabrikam.com`;
    expect((await call(s, 'POST', 'Companies/2/Contacts', { ...newContact, emailAddress: long })).status).toBe(500);
  });

  it('describes its fields, and enforces a field the database makes required', async () => {
    const s = await start({ requiredFields: ['title'] }, 1);
    const info = await call(s, 'GET', 'Contacts/entityInformation/fields');
    const fieldOf = (name: string) => info.body.fields.find((f: { name: string }) => f.name === name);
    expect(fieldOf('firstName')).toMatchObject({ dataType: 'string', isRequired: true, isReadOnly: false, length: 50 });
    expect(fieldOf('isActive')).toMatchObject({ dataType: 'integer', isRequired: true });
    expect(fieldOf('id')).toMatchObject({ isReadOnly: true });
    expect(fieldOf('title')).toMatchObject({ isRequired: true });
    expect(fieldOf('emailAddress')).toMatchObject({ isRequired: false, length: 254 });
    const { title: _t, ...untitled } = newContact;
    const refused = await call(s, 'POST', 'Companies/2/Contacts', untitled);
    expect(refused.status).toBe(500);
    expect(refused.body.errors.join(' ')).toContain('title');
    expect((await call(s, 'POST', 'Companies/2/Contacts', newContact)).status).toBe(200);
  });

  it('drops the fields the seed says to ignore, and fields it does not know', async () => {
    const s = await start({ ignoreFields: ['mobilePhone'] }, 1);
    const created = await call(s, 'POST', 'Companies/2/Contacts', { ...newContact, nickname: 'B' });
    expect(created.status).toBe(200);
    const stored = s.autotask.contactsOf(2)[0]!;
    expect(stored.mobilePhone).toBeNull();
    expect(stored).not.toHaveProperty('nickname');
  });
});

describe('updates', () => {
  it('PATCH changes only the fields sent; PUT blanks every writable field it is not sent', async () => {
    const s = await start({}, 3);
    const patched = await call(s, 'PATCH', 'Companies/1/Contacts', { id: 1000, title: 'CTO', isActive: 0 });
    expect(patched).toEqual({ status: 200, body: { itemId: 1000 } });
    expect(s.autotask.contactsOf(1)[0]).toMatchObject({
      firstName: 'Ann',
      emailAddress: 'Ann.Lee@Contoso.com',
      phone: '+1 206 555 0100',
      title: 'CTO',
      isActive: 0,
    });
    const put = await call(s, 'PUT', 'Companies/1/Contacts', {
      id: 1000,
      companyID: 1,
      firstName: 'Ann',
      lastName: 'Lee',
      isActive: 1,
    });
    expect(put.status).toBe(200);
    expect(s.autotask.contactsOf(1)[0]).toMatchObject({
      firstName: 'Ann',
      title: null,
      emailAddress: null,
      phone: null,
      companyLocationID: null,
      isActive: 1,
    });
  });

  it('refuses an update without id, of another company, emptying a required field, or a boolean isActive', async () => {
    const s = await start({}, 3);
    for (const [body, field] of [
      [{ title: 'x' }, 'id'],
      [{ id: 1000, firstName: '' }, 'firstName'],
      [{ id: 1000, lastName: null }, 'lastName'],
      [{ id: 1000, isActive: false }, 'isActive'],
      [{ id: 1000, companyID: 2 }, 'companyID'],
    ] as const) {
      const refused = await call(s, 'PATCH', 'Companies/1/Contacts', body);
      expect(refused.status, field).toBe(500);
      expect(refused.body.errors.join(' ')).toContain(field);
    }
    expect((await call(s, 'PATCH', 'Companies/2/Contacts', { id: 1000, title: 'x' })).status).toBe(500);
    expect((await call(s, 'PATCH', 'Contacts', { id: 1000, title: 'x' })).status).toBe(405);
    expect(s.autotask.contactsOf(1)[0]).toMatchObject({ title: 'Engineer', firstName: 'Ann', isActive: 1 });
  });

  it('never deletes a contact', async () => {
    const s = await start({}, 1);
    const refused = await call(s, 'DELETE', 'Companies/1/Contacts/1000');
    expect(refused.status).toBe(500);
    expect(refused.body.errors).toHaveLength(1);
    expect((await call(s, 'DELETE', 'Contacts/1000')).status).toBe(500);
    expect(s.autotask.contactsOf(1)).toHaveLength(1);
  });
});

describe('limits', () => {
  it('ThresholdInformation gives the limit, the window and the count, counting itself', async () => {
    const s = await start({}, 1);
    await call(s, 'POST', 'Contacts/query', { filter: [byCompany()] });
    await call(s, 'GET', 'Companies/1/Locations');
    const first = await call(s, 'GET', 'ThresholdInformation');
    expect(first.body).toEqual({
      externalRequestThreshold: 10000,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 3,
    });
    const second = await call(s, 'GET', 'ThresholdInformation');
    expect(second.body.currentTimeframeRequestCount).toBe(4);
  });

  it("refuses past the database's hourly limit with 429, other integrations' traffic counted, until the hour passes", async () => {
    const s = await start({ hourlyLimit: 10, otherIntegrationsPerHour: 6 }, 1);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(s, 'GET', 'Companies/1/Locations')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await call(s, 'GET', 'ThresholdInformation');
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toContain('10');
    // Zone discovery is not counted.
    expect((await fetch(`${await apiBase(s)}zoneInformation?user=${s.credentials.autotask.userName}`)).status).toBe(
      200,
    );
    s.clock.advance(3600_000);
    expect((await call(s, 'GET', 'ThresholdInformation')).body.currentTimeframeRequestCount).toBe(7);
  });

  it('slows every call past half the hourly limit by the delay the seed gives', async () => {
    const s = await start({ hourlyLimit: 4, delayPastHalfMs: 1000 }, 1);
    const base = await apiBase(s);
    const timed = async () => {
      const begun = performance.now();
      expect((await call(s, 'GET', `${base}ThresholdInformation`)).status).toBe(200);
      return performance.now() - begun;
    };
    expect(await timed()).toBeLessThan(800);
    expect(await timed()).toBeLessThan(800);
    expect(await timed()).toBeGreaterThanOrEqual(980);
  });

  it('answers the fourth concurrent request of an integration on one endpoint "Thread Threshold Exceeded"', async () => {
    const s = await start({ serviceMs: 300 }, 1);
    const base = await apiBase(s);
    const query = () => call(s, 'POST', `${base}Contacts/query`, { filter: [byCompany()] });
    const [contacts, other] = await Promise.all([
      Promise.all([query(), query(), query(), query()]),
      // Another endpoint has threads of its own.
      call(s, 'GET', `${base}Companies/1/Locations`),
    ]);
    expect(contacts.map((a) => a.status).sort()).toEqual([200, 200, 200, 429]);
    expect(contacts.find((a) => a.status === 429)!.body).toEqual({ errors: ['Thread Threshold Exceeded'] });
    expect(other.status).toBe(200);
    // Creates on the company's child route are the Contacts endpoint too; one after another, none is refused.
    for (let i = 0; i < 4; i++) expect((await query()).status).toBe(200);
  });
});

describe('in the sandbox', () => {
  it('starts from a seed that has Autotask alone, dumps its key, counts its requests and takes faults', async () => {
    const s = await start({}, 2);
    expect(s.started('autotask')).toBe(true);
    expect(s.started('bms')).toBe(false);
    expect(s.started('itglue')).toBe(false);
    expect(s.urlOf('autotask')).toBe(s.urls.autotask);
    await call(s, 'PATCH', 'Companies/1/Contacts', { id: 1001, mobilePhone: '+1 206 555 0111' });
    const state = (await (await fetch(`${s.urls.graph}/_sim/state`)).json()) as Record<string, any>;
    expect(Object.keys(state).sort()).toEqual(['autotask', 'requests', 'tenants']);
    expect(state.autotask.companies[0]).toMatchObject({
      id: 1,
      companyName: 'Contoso Ltd',
      locations: [{ id: 11, name: 'HQ', isPrimary: true }, { id: 12 }],
    });
    expect(state.autotask.companies[0].contacts[1]).toMatchObject({ id: 1001, mobilePhone: '+1 206 555 0111' });
    expect(state.autotask.companies[0].contacts[1]).not.toHaveProperty('companyID');
    // The zone lookup is a request to Autotask too.
    expect(state.requests.autotask).toEqual({ GET: 1, PATCH: 1 });
    // The dump seeds again to the same state.
    expect(parseSeed({ autotask: state.autotask }).autotask).toEqual(s.autotask.dump());

    const base = await apiBase(s);
    const faults = await fetch(`${s.urls.graph}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ api: 'autotask', error500: 1 }),
    });
    expect(faults.status).toBe(200);
    const failed = await call(s, 'GET', `${base}ThresholdInformation`);
    expect(failed.status).toBe(500);
    expect(failed.body.errors).toHaveLength(1);
  });

  it("has IT Glue's Autotask integration mirror the Autotask contacts psaSynced names", async () => {
    const seed = seedOf({}, 2);
    const s = await startSimulators(
      parseSeed({
        ...seed,
        itglue: {
          organizations: [
            {
              id: '1',
              name: 'Contoso Ltd',
              contacts: [
                { id: '100', 'first-name': 'First1', 'last-name': 'Person', 'contact-emails': [] },
                { id: '101', 'first-name': 'Other', 'last-name': 'Person' },
              ],
            },
          ],
        },
        simulate: { ...seed.simulate, itglue: { psaSynced: { '100': 1001 } } },
      }),
    );
    try {
      await call(s, 'PATCH', 'Companies/1/Contacts', { id: 1001, title: 'Buyer', emailAddress: 'new@contoso.com' });
      const found = await fetch(
        `${s.urls.itglue!}/contacts?filter[psa_integration_type]=autotask&filter[psa_id]=1001`,
        {
          headers: { 'x-api-key': s.credentials.itglueApiKey, 'content-type': 'application/vnd.api+json' },
        },
      );
      const body = (await found.json()) as { data: { id: string; attributes: Record<string, unknown> }[] };
      expect(body.data.map((c) => [c.id, c.attributes['psa-integration'], c.attributes.title])).toEqual([
        ['100', 'autotask', 'Buyer'],
      ]);
    } finally {
      await s.close();
    }
  });

  it('refuses a seed knob that requires a field contacts do not have', () => {
    expect(() => seedOf({ requiredFields: ['shoeSize'] })).toThrow(/shoeSize|requiredFields/);
  });
});
