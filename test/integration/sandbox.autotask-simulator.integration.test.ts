import { describe, expect, it } from 'vitest';
import { answer, byCompany, call, CONTACTS, ids, useAutotaskSimulator } from '../support/autotask-simulator.ts';

/**
 * The Autotask simulator over raw HTTP: the strict reading of CONTRACTS.md "Autotask PSA REST API" that the Autotask
 * client is tested against — zone, credentials and queries here; writes and limits in
 * `sandbox.autotask-simulator.writes.integration.test.ts`. Every rule is shown kept and, where the API refuses, refused.
 */

const start = useAutotaskSimulator();

describe('zone and credentials', () => {
  it('gives the zone of a known user without credentials, pointing at itself, and refuses an unknown one', async () => {
    const s = await start({}, 1);
    const zone = await answer(
      await fetch(`${s.urls.autotask!}/atservicesrest/v1.0/zoneInformation?user=${s.credentials.autotask.userName}`),
    );
    expect(zone.status).toBe(200);
    expect(zone.body).toEqual({
      zoneName: expect.any(String),
      url: `${s.urls.autotask!}/atservicesrest/`,
      webUrl: expect.stringMatching(/^http/),
      ci: expect.any(Number),
    });
    const unknown = await answer(
      await fetch(`${s.urls.autotask!}/atservicesrest/v1.0/zoneInformation?user=nobody@example.com`),
    );
    expect(unknown).toEqual({ status: 500, body: { errors: ['Zone information could not be determined'] } });
  });

  it('refuses a call whose UserName, Secret or ApiIntegrationCode is missing or wrong with 401', async () => {
    const s = await start({}, 1);
    const query = { Filter: [byCompany()] };
    expect((await call(s, 'POST', 'Contacts/query', query)).status).toBe(200);
    for (const header of ['UserName', 'Secret', 'ApiIntegrationCode']) {
      for (const value of [null, 'wrong']) {
        const refused = await call(s, 'POST', 'Contacts/query', query, { [header]: value });
        expect(refused.status, `${header} ${value}`).toBe(401);
        expect(refused.body.errors).toHaveLength(1);
      }
    }
  });

  it('never logs the Secret header', async () => {
    const s = await start({}, 1);
    await call(s, 'GET', 'ThresholdInformation');
    const logged = s.requests.filter((r) => r.server === 'autotask');
    expect(logged.length).toBeGreaterThan(0);
    for (const request of logged) expect(JSON.stringify(request)).not.toContain(s.credentials.autotask.secret);
  });
});

describe('queries', () => {
  it('applies every documented operator, comparing text without case', async () => {
    const s = await start();
    expect(await ids(s, [byCompany(), { op: 'eq', field: 'emailAddress', value: 'ann.lee@contoso.com' }])).toEqual([
      1000,
    ]);
    expect(await ids(s, [{ op: 'beginsWith', field: 'emailAddress', value: 'ANN.' }])).toEqual([1000]);
    expect(await ids(s, [{ op: 'endsWith', field: 'lastName', value: 'EE' }])).toEqual([1000]);
    expect(await ids(s, [{ op: 'contains', field: 'emailAddress', value: '.LEE@' }])).toEqual([1000]);
    expect(await ids(s, [{ op: 'exist', field: 'emailAddress2' }])).toEqual([1001]);
    const notExist = await call(s, 'POST', 'Contacts/query/count', {
      Filter: [{ op: 'notExist', field: 'emailAddress2' }],
    });
    expect(notExist.body).toEqual({ queryCount: CONTACTS - 1 });
    expect(await ids(s, [{ op: 'in', field: 'id', value: [1003, 1005, 99] }])).toEqual([1003, 1005]);
    expect(await ids(s, [{ op: 'lt', field: 'id', value: 1002 }])).toEqual([1000, 1001]);
    expect(await ids(s, [{ op: 'lte', field: 'id', value: 1001 }])).toEqual([1000, 1001]);
    expect(await ids(s, [{ op: 'gt', field: 'id', value: 1000 + CONTACTS - 2 }])).toEqual([1000 + CONTACTS - 1]);
    expect(await ids(s, [{ op: 'gte', field: 'id', value: 1000 + CONTACTS - 1 }])).toEqual([1000 + CONTACTS - 1]);
    expect(
      await ids(s, [
        { op: 'lt', field: 'id', value: 1012 },
        { op: 'noteq', field: 'isActive', value: 1 },
      ]),
    ).toEqual([1009]);
    expect(
      await ids(s, [
        { op: 'lt', field: 'id', value: 1012 },
        { op: 'notIn', field: 'id', value: [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007] },
      ]),
    ).toEqual([1008, 1009, 1010, 1011]);
  });

  it('reads and/or groups with items, as a lookup by any of three emails or by name is written', async () => {
    const s = await start();
    const anyEmail = (value: string) => ({
      op: 'or',
      items: ['emailAddress', 'emailAddress2', 'emailAddress3'].map((field) => ({ op: 'eq', field, value })),
    });
    expect(await ids(s, [byCompany(), anyEmail('SECOND@contoso.com')])).toEqual([1001]);
    expect(await ids(s, [byCompany(), anyEmail('third@contoso.com')])).toEqual([1002]);
    expect(await ids(s, [byCompany(2), anyEmail('third@contoso.com')])).toEqual([]);
    const name = {
      op: 'and',
      items: [
        { op: 'eq', field: 'firstName', value: 'ann' },
        { op: 'eq', field: 'lastName', value: 'LEE' },
      ],
    };
    expect(await ids(s, [byCompany(), name])).toEqual([1000]);
  });

  it('refuses an unknown field, an unknown operator, a missing value and an empty filter with 500 + errors', async () => {
    const s = await start({}, 1);
    for (const filter of [
      [{ op: 'eq', field: 'mail', value: 'x' }],
      [{ op: 'like', field: 'firstName', value: 'x' }],
      [{ op: 'eq', field: 'firstName' }],
      [{ op: 'in', field: 'id', value: 5 }],
      [{ op: 'or', items: [] }],
      [{ op: 'eq', field: 'id', value: 'not a number' }],
      [],
    ]) {
      const refused = await call(s, 'POST', 'Contacts/query', { Filter: filter });
      expect(refused.status, JSON.stringify(filter)).toBe(500);
      expect(refused.body.errors[0]).toEqual(expect.any(String));
    }
    const unknown = await call(s, 'POST', 'Contacts/query', { Filter: [{ op: 'eq', field: 'mail', value: 'x' }] });
    expect(unknown.body.errors[0]).toContain('mail');
  });

  it('returns the IncludeFields asked for alone, and every field without them', async () => {
    const s = await start({}, 3);
    const some = await call(s, 'POST', 'Contacts/query', {
      Filter: [{ op: 'eq', field: 'id', value: 1000 }],
      IncludeFields: ['id', 'emailAddress', 'isActive'],
    });
    expect(some.body.items).toEqual([{ id: 1000, emailAddress: 'Ann.Lee@Contoso.com', isActive: 1 }]);
    const all = await call(s, 'POST', 'Contacts/query', { Filter: [{ op: 'eq', field: 'id', value: 1000 }] });
    expect(all.body.items[0]).toMatchObject({
      id: 1000,
      companyID: 1,
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'Engineer',
      emailAddress2: null,
      companyLocationID: 11,
      isActive: 1,
    });
    const unknown = await call(s, 'POST', 'Contacts/query', { Filter: [byCompany()], IncludeFields: ['nickname'] });
    expect(unknown.status).toBe(500);
  });

  it('pages 500 at most, MaxRecords beyond it capped, following nextPageUrl by GET to the last page', async () => {
    const s = await start();
    let page = await call(s, 'POST', 'Contacts/query', { MaxRecords: 2000, Filter: [byCompany()] });
    expect(page.body.pageDetails).toMatchObject({ count: 500, requestCount: 500, prevPageUrl: null });
    const seen: number[] = page.body.items.map((c: { id: number }) => c.id);
    const firstNext = page.body.pageDetails.nextPageUrl as string;
    while (page.body.pageDetails.nextPageUrl !== null) {
      page = await call(s, 'GET', page.body.pageDetails.nextPageUrl as string);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((c: { id: number }) => c.id));
    }
    expect(seen).toEqual(Array.from({ length: CONTACTS }, (_, i) => 1000 + i));
    expect(page.body.pageDetails.count).toBe(CONTACTS - 1000);
    // The links need the credentials too, and lead back.
    expect((await call(s, 'GET', firstNext, undefined, { Secret: 'wrong' })).status).toBe(401);
    const back = await call(s, 'GET', page.body.pageDetails.prevPageUrl as string);
    expect(back.body.items[0].id).toBe(1500);
    const small = await call(s, 'POST', 'Contacts/query', { MaxRecords: 10, Filter: [byCompany()] });
    expect(small.body.pageDetails).toMatchObject({ count: 10, requestCount: 10 });
    expect(small.body.pageDetails.nextPageUrl).toEqual(expect.stringContaining('/atservicesrest/v1.0/Contacts/query'));
  });

  it('refuses a result over 500 records whose IncludeFields leave out id', async () => {
    const s = await start();
    const refused = await call(s, 'POST', 'Contacts/query', { Filter: [byCompany()], IncludeFields: ['emailAddress'] });
    expect(refused.status).toBe(500);
    expect(refused.body.errors[0]).toContain('id');
    const few = await call(s, 'POST', 'Contacts/query', {
      Filter: [{ op: 'lt', field: 'id', value: 1003 }],
      IncludeFields: ['emailAddress'],
    });
    expect(few.body.items).toHaveLength(3);
  });

  it('answers the same query by GET with search, and counts', async () => {
    const s = await start();
    const search = JSON.stringify({ filter: [{ op: 'eq', field: 'emailaddress', value: 'ann.lee@contoso.com' }] });
    const got = await call(s, 'GET', `Contacts/query?search=${encodeURIComponent(search)}`);
    expect(got.body.items.map((c: { id: number }) => c.id)).toEqual([1000]);
    const count = await call(s, 'POST', 'Contacts/query/count', {
      filter: [{ op: 'eq', field: 'isActive', value: 0 }],
    });
    expect(count.body).toEqual({ queryCount: 120 });
  });

  it("cuts pages to the seed's pageSizeCap silently, the links still leading through every record", async () => {
    const s = await start({ pageSizeCap: 100 }, 250);
    let page = await call(s, 'POST', 'Contacts/query', { Filter: [byCompany()], IncludeFields: ['id'] });
    expect(page.body.pageDetails).toMatchObject({ count: 100, requestCount: 500 });
    let seen = page.body.items.length as number;
    while (page.body.pageDetails.nextPageUrl !== null) {
      page = await call(s, 'GET', page.body.pageDetails.nextPageUrl as string);
      seen += page.body.items.length as number;
    }
    expect(seen).toBe(250);
  });

  it('filters on a user-defined field with udf: true', async () => {
    const s = await start({}, 2);
    s.autotask.editContact(1001, { userDefinedFields: [{ name: 'Entra Object ID', value: 'ABC-123' }] });
    expect(await ids(s, [{ op: 'eq', field: 'Entra Object ID', udf: true, value: 'abc-123' }])).toEqual([1001]);
    expect(await ids(s, [{ op: 'exist', field: 'Entra Object ID', udf: true }])).toEqual([1001]);
  });

  it('lists companies and their locations by query and by the child route', async () => {
    const s = await start({}, 1);
    const companies = await call(s, 'POST', 'Companies/query', {
      filter: [{ op: 'eq', field: 'companyName', value: 'contoso ltd' }],
    });
    expect(companies.body.items).toEqual([{ id: 1, companyName: 'Contoso Ltd', companyType: 1, isActive: true }]);
    const locations = await call(s, 'POST', 'CompanyLocations/query', { filter: [byCompany()] });
    expect(locations.body.items).toEqual([
      { id: 11, companyID: 1, name: 'HQ', address1: null, city: null, isPrimary: true, isActive: true },
      { id: 12, companyID: 1, name: 'Annex', address1: null, city: 'Seattle', isPrimary: false, isActive: true },
    ]);
    const child = await call(s, 'GET', 'Companies/2/Locations');
    expect(child.body.items.map((l: { name: string }) => l.name)).toEqual(['Main']);
    expect(child.body.pageDetails.nextPageUrl).toBeNull();
  });
});
