import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { smallSeed, started } from '../support/simulators.ts';

const MEDIA = 'application/vnd.api+json';

function contact(id: number, organization = '1') {
  return {
    id: String(id),
    'first-name': `First${id}`,
    'last-name': `Last${id}`,
    'contact-emails': [{ value: `p${id}@contoso.com`, primary: true, 'label-name': 'Work' }],
    'contact-phones': [{ value: '+1 (206) 555-0100', primary: true, 'label-name': 'Work' }],
    organization,
  };
}

let sims: RunningSimulators;
beforeEach(async () => {
  const contacts = Array.from({ length: 2500 }, (_, i) => contact(5000 + i));
  sims = await started(
    smallSeed(1, {
      itglue: {
        organizations: [
          {
            id: '1',
            name: 'Contoso Ltd',
            locations: [
              { id: '10', name: 'HQ', primary: true },
              { id: '11', name: 'Annex' },
            ],
            contacts,
          },
          {
            id: '2',
            name: 'Fabrikam',
            locations: [{ id: '20', name: 'Main', primary: true }],
            contacts: [contact(9001, '2')],
          },
        ],
        contactTypes: [
          { id: '1', name: 'Employee' },
          { id: '2', name: 'Vendor' },
        ],
      },
    }),
  );
});
afterEach(async () => {
  await sims.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = {
    method,
    headers: { 'x-api-key': sims.credentials.itglueApiKey, 'content-type': MEDIA, ...headers },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${sims.urls.itglue!}${path}`, init);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, any>,
  };
}

describe('IT Glue simulator', () => {
  it('answers a wrong API key with 403 and a missing one with 401', async () => {
    const wrong = await call('GET', '/organizations', undefined, { 'x-api-key': 'ITG.wrong' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ errors: [{ status: 403, title: 'Forbidden', detail: expect.any(String) }] });
    expect((await call('GET', '/organizations', undefined, { 'x-api-key': '' })).status).toBe(401);
  });

  it('answers in the JSON:API media type and refuses another one with 415', async () => {
    expect((await call('GET', '/organizations')).type).toBe(MEDIA);
    const wrong = await call('POST', '/contacts', { data: {} }, { 'content-type': 'application/json' });
    expect(wrong.status).toBe(415);
    expect(wrong.body.errors[0]).toMatchObject({ status: 415 });
  });

  it('finds organizations by name, and lists locations and contact types', async () => {
    const orgs = await call('GET', `/organizations?filter[name]=${encodeURIComponent('Contoso Ltd')}`);
    expect(orgs.body.data).toEqual([
      { id: '1', type: 'organizations', attributes: expect.objectContaining({ name: 'Contoso Ltd' }) },
    ]);
    const locations = await call('GET', '/organizations/1/relationships/locations');
    expect(locations.body.data.map((l: any) => [l.id, l.attributes.name, l.attributes.primary])).toEqual([
      ['10', 'HQ', true],
      ['11', 'Annex', false],
    ]);
    expect((await call('GET', '/contact_types')).body.data.map((t: any) => t.attributes.name)).toEqual([
      'Employee',
      'Vendor',
    ]);
  });

  it('pages contacts at page[size]=1000 to the end with meta and links', async () => {
    const seen: string[] = [];
    let path: string | null = '/contacts?filter[organization_id]=1&page[size]=1000';
    let requests = 0;
    while (path !== null) {
      const page = await call('GET', path);
      requests += 1;
      expect(page.body.meta).toMatchObject({ 'total-count': 2500, 'total-pages': 3 });
      seen.push(...page.body.data.map((c: any) => c.id));
      path = page.body.links.next === undefined ? null : String(page.body.links.next).replace(sims.urls.itglue!, '');
    }
    expect(requests).toBe(3);
    expect(new Set(seen).size).toBe(2500);
    const first = await call('GET', '/contacts?filter[organization_id]=1&page[size]=1000&page[number]=1');
    expect(first.body.meta).toMatchObject({ 'current-page': 1, 'next-page': 2, 'prev-page': null });
    expect((await call('GET', '/contacts?filter[organization_id]=1&page[size]=5000')).body.data).toHaveLength(1000);
    expect((await call('GET', '/contacts?filter[organization_id]=1')).body.data).toHaveLength(50);
  });

  it('applies filters on /contacts but ignores them on the nested relationship route', async () => {
    const flat = await call('GET', '/contacts?filter[organization_id]=1&filter[first_name]=First5001');
    expect(flat.body.data.map((c: any) => c.id)).toEqual(['5001']);
    const email = await call('GET', '/contacts?filter[primary_email]=P5002@contoso.com');
    expect(email.body.data.map((c: any) => c.id)).toEqual(['5002']);
    const nested = await call('GET', '/organizations/2/relationships/contacts?filter[first_name]=nobody');
    expect(nested.body.data.map((c: any) => c.id)).toEqual(['9001']);
  });

  it('stores phone values as digits', async () => {
    const one = await call('GET', '/contacts/5000');
    expect(one.body.data.attributes['contact-phones'][0]).toMatchObject({
      value: '12065550100',
      primary: true,
      'label-name': 'Work',
    });
  });

  it("creates one contact on either route, and several only on the organization's nested route", async () => {
    const attributes = (n: number) => ({
      'organization-id': 1,
      'first-name': `New${n}`,
      'last-name': 'Person',
      'location-id': 10,
      'contact-emails': [{ value: `new${n}@contoso.com`, primary: true, 'label-name': 'Work' }],
    });
    const one = await call('POST', '/organizations/1/relationships/contacts', {
      data: { type: 'contacts', attributes: attributes(1) },
    });
    expect(one.status).toBe(201);
    expect(one.body.data).toMatchObject({
      type: 'contacts',
      attributes: { 'first-name': 'New1', 'location-name': 'HQ', 'organization-id': 1 },
    });
    const flat = await call('POST', '/contacts', { data: { type: 'contacts', attributes: attributes(5) } });
    expect(flat.status).toBe(201);
    const refused = await call('POST', '/contacts', {
      data: [2, 3, 4].map((n) => ({ type: 'contacts', attributes: attributes(n) })),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ status: 400, detail: expect.stringContaining('relationships') });
    const many = await call('POST', '/organizations/1/relationships/contacts', {
      data: [2, 3, 4].map((n) => ({ type: 'contacts', attributes: attributes(n) })),
    });
    expect(many.status).toBe(201);
    expect(many.body.data.map((c: any) => c.attributes['first-name'])).toEqual(['New2', 'New3', 'New4']);
    expect(sims.itglue.contactsOf('1')).toHaveLength(2505);
  });

  it('refuses invalid contacts with 422 errors that point at the field', async () => {
    const result = await call('POST', '/organizations/1/relationships/contacts', {
      data: [
        {
          type: 'contacts',
          attributes: {
            'organization-id': 1,
            'first-name': 'Ok',
            'contact-emails': [{ value: 'ok@contoso.com', 'label-name': 'Work' }],
          },
        },
        {
          type: 'contacts',
          attributes: {
            'organization-id': 1,
            'first-name': 'Bad',
            'location-id': 20,
            'contact-emails': [{ value: 'not-an-email', 'label-name': 'Work' }, { value: 'x@contoso.com' }],
          },
        },
      ],
    });
    expect(result.status).toBe(422);
    expect(result.body.errors).toEqual([
      {
        status: 422,
        title: 'Unprocessable Entity',
        detail: expect.stringContaining('not-an-email'),
        source: { pointer: '/data/1/attributes/contact-emails/0/value' },
      },
      {
        status: 422,
        title: 'Unprocessable Entity',
        detail: expect.stringContaining('Label'),
        source: { pointer: '/data/1/attributes/contact-emails/1/label-name' },
      },
      {
        status: 422,
        title: 'Unprocessable Entity',
        detail: expect.stringContaining('Location 20'),
        source: { pointer: '/data/1/attributes/location-id' },
      },
    ]);
    expect(sims.itglue.contactsOf('1')).toHaveLength(2500);
  });

  it("refuses a phone or an email without its value or label, in IT Glue's error shape", async () => {
    const result = await call('PATCH', '/contacts/5000', {
      data: {
        type: 'contacts',
        attributes: {
          'contact-phones': [{ value: '', 'label-name': 'Work' }, { value: '2065550100' }],
          'contact-emails': [{ 'label-name': 'Work' }],
        },
      },
    });
    expect(result.status).toBe(422);
    expect(result.body.errors.map((e: any) => [e.status, e.source.pointer])).toEqual([
      [422, '/data/attributes/contact-emails/0/value'],
      [422, '/data/attributes/contact-phones/0/value'],
      [422, '/data/attributes/contact-phones/1/label-name'],
    ]);
  });

  it('updates one contact with only the attributes sent, and stores its phones as digits', async () => {
    const one = await call('PATCH', '/contacts/5000', {
      data: {
        type: 'contacts',
        attributes: { title: 'CFO', 'contact-phones': [{ value: '020 7946 0958', 'label-name': 'Mobile' }] },
      },
    });
    expect(one.status).toBe(200);
    expect(one.body.data.attributes).toMatchObject({ title: 'CFO', 'first-name': 'First5000' });
    expect(sims.itglue.contactsOf('1').find((c) => c.id === '5000')!['contact-phones']).toEqual([
      { value: '02079460958', extension: null, primary: false, 'label-name': 'Mobile' },
    ]);
    const many = await call('PATCH', '/contacts/5001', {
      data: [{ type: 'contacts', attributes: { title: 'x' } }],
    });
    expect(many.status).toBe(400);
    expect(
      (await call('PATCH', '/contacts/424242', { data: { type: 'contacts', attributes: { title: 'x' } } })).status,
    ).toBe(404);
  });

  it('updates several contacts on PATCH /contacts with each id inside attributes, and refuses an id beside them', async () => {
    const bulk = await call('PATCH', '/contacts', {
      data: [
        { type: 'contacts', attributes: { id: 5001, title: 'A' } },
        { type: 'contacts', attributes: { id: 5002, 'last-name': 'B' } },
      ],
    });
    expect(bulk.status).toBe(200);
    const [, a, b] = sims.itglue.contactsOf('1');
    expect([a!.title, b!['last-name']]).toEqual(['A', 'B']);
    const outside = await call('PATCH', '/contacts', {
      data: [
        { type: 'contacts', id: '5003', attributes: { title: 'C' } },
        { type: 'contacts', attributes: { id: 5004, title: 'D' } },
      ],
    });
    expect(outside.status).toBe(422);
    expect(outside.body.errors).toEqual([
      {
        status: 422,
        title: 'Unprocessable Entity',
        detail: expect.stringContaining('inside attributes'),
        source: { pointer: '/data/0/attributes/id' },
      },
    ]);
    expect(
      sims.itglue
        .contactsOf('1')
        .slice(3, 5)
        .map((c) => c.title),
    ).toEqual([null, null]);
    const notArray = await call('PATCH', '/contacts', { data: { type: 'contacts', attributes: { id: 5001 } } });
    expect(notArray.status).toBe(400);
  });

  it('drops emails and phones from a bulk update, which documents neither', async () => {
    const bulk = await call('PATCH', '/contacts', {
      data: [
        {
          type: 'contacts',
          attributes: {
            id: 5001,
            title: 'Kept',
            'contact-emails': [{ value: 'new@contoso.com', primary: true, 'label-name': 'Work' }],
          },
        },
      ],
    });
    expect(bulk.status).toBe(200);
    const updated = sims.itglue.contactsOf('1').find((c) => c.id === '5001')!;
    expect([updated.title, updated['contact-emails'][0]?.value]).toEqual(['Kept', 'p5001@contoso.com']);
  });

  it('answers 429 past 3,000 requests per 5 minutes', async () => {
    sims.itglue.limiter.limit = 3;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('GET', '/contact_types')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    sims.clock.advance(5 * 60_000);
    expect((await call('GET', '/contact_types')).status).toBe(200);
  });
});

describe("IT Glue simulator: contacts kept in step with BMS by IT Glue's PSA integration", () => {
  let mirrored: RunningSimulators;
  beforeEach(async () => {
    await sims.close();
    mirrored = await started(
      parseSeed({
        ...smallSeed(1, {
          itglue: {
            organizations: [
              {
                id: '1',
                name: 'Contoso Ltd',
                locations: [{ id: '10', name: 'HQ', primary: true }],
                contacts: [contact(5000), contact(5001), contact(5002)],
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
                  { id: 500, firstName: 'First5000', lastName: 'Last5000', emailAddress: 'p5000@contoso.com' },
                  { id: 501, firstName: 'First5001', lastName: 'Last5001', emailAddress: 'p5001@contoso.com' },
                ],
              },
            ],
          },
        }),
        simulate: { itglue: { psaSynced: { '5000': 500, '5001': 501 } } },
      }),
    );
    sims = mirrored;
  });

  it('finds them by filter[psa_id] with filter[psa_integration_type], and refuses the id filter alone', async () => {
    const one = await call('GET', '/contacts?filter[psa_integration_type]=kaseya-bms&filter[psa_id]=501');
    expect(one.body.data.map((c: any) => [c.id, c.attributes['psa-integration']])).toEqual([['5001', 'kaseya-bms']]);
    // Whether IT Glue takes a list is unknown: by default a list is one id, and matches nothing.
    const list = '/contacts?filter[psa_integration_type]=kaseya-bms&filter[psa_id]=500,501,999';
    expect((await call('GET', list)).body.data).toEqual([]);
    mirrored.itglue.simulate.psaIdLists = true;
    try {
      expect((await call('GET', list)).body.data.map((c: any) => c.id)).toEqual(['5000', '5001']);
    } finally {
      mirrored.itglue.simulate.psaIdLists = false;
    }
    const other = await call('GET', '/contacts?filter[psa_integration_type]=autotask&filter[psa_id]=500');
    expect(other.body.data).toEqual([]);
    expect((await call('GET', '/contacts?filter[psa_id]=500')).status).toBe(400);
    expect((await call('GET', '/contacts?filter[psa_integration_type]=sap&filter[psa_id]=500')).status).toBe(400);
  });

  it('answers include=adapters_resources, and refuses an include it does not know', async () => {
    const listed = await call('GET', '/contacts?filter[organization_id]=1&include=adapters_resources');
    expect(listed.status).toBe(200);
    expect(listed.body.data[0].relationships['adapters-resources'].data).toHaveLength(1);
    expect(listed.body.data[2].relationships['adapters-resources'].data).toEqual([]);
    expect(listed.body.included).toHaveLength(2);
    expect((await call('GET', '/contacts?include=everything')).status).toBe(400);
  });

  it('refuses to update them with 422, alone or in a bulk update, and updates the others', async () => {
    const one = await call('PATCH', '/contacts/5000', { data: { type: 'contacts', attributes: { title: 'x' } } });
    expect(one.status).toBe(422);
    expect(one.body.errors[0]).toMatchObject({ status: 422, detail: expect.stringContaining('externally synced') });
    const bulk = await call('PATCH', '/contacts', {
      data: [
        { type: 'contacts', attributes: { id: 5002, title: 'y' } },
        { type: 'contacts', attributes: { id: 5001, title: 'y' } },
      ],
    });
    expect(bulk.status).toBe(422);
    expect(bulk.body.errors.map((e: any) => e.source.pointer)).toEqual(['/data/1/attributes']);
    expect(
      (await call('PATCH', '/contacts/5002', { data: { type: 'contacts', attributes: { title: 'z' } } })).status,
    ).toBe(200);
  });

  it("copies a later change of the BMS contact's names, title and email onto them, keeping the older email", async () => {
    mirrored.bms.editContact(500, { firstName: 'Renamed', jobTitle: 'CFO', emailAddress: 'renamed@contoso.com' });
    const copied = (await call('GET', '/contacts/5000')).body.data.attributes;
    expect(copied).toMatchObject({ 'first-name': 'Renamed', 'last-name': 'Last5000', title: 'CFO' });
    expect(copied['contact-emails']).toEqual([
      { value: 'renamed@contoso.com', primary: true, 'label-name': 'Work' },
      { value: 'p5000@contoso.com', primary: false, 'label-name': 'Work' },
    ]);
    expect((await call('GET', '/contacts/5001')).body.data.attributes['first-name']).toBe('First5001');
  });
});
