import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/simulators.ts';
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
  const response = await fetch(`${sims.urls.itglue}${path}`, init);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, any>,
  };
}

describe('IT Glue simulator', () => {
  it('requires the API key', async () => {
    const result = await call('GET', '/organizations', undefined, { 'x-api-key': 'ITG.wrong' });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ errors: [{ status: 401, title: 'Unauthorized', detail: expect.any(String) }] });
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
      path = page.body.links.next === undefined ? null : String(page.body.links.next).replace(sims.urls.itglue, '');
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

  it('creates one contact, or several from an array', async () => {
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
    const many = await call('POST', '/contacts', {
      data: [2, 3, 4].map((n) => ({ type: 'contacts', attributes: attributes(n) })),
    });
    expect(many.status).toBe(201);
    expect(many.body.data.map((c: any) => c.attributes['first-name'])).toEqual(['New2', 'New3', 'New4']);
    expect(sims.itglue.contactsOf('1')).toHaveLength(2504);
  });

  it('refuses invalid contacts with 422 errors that point at the field', async () => {
    const result = await call('POST', '/contacts', {
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

  it('updates only the attributes sent, one contact or many', async () => {
    const one = await call('PATCH', '/contacts/5000', { data: { type: 'contacts', attributes: { title: 'CFO' } } });
    expect(one.status).toBe(200);
    expect(one.body.data.attributes).toMatchObject({ title: 'CFO', 'first-name': 'First5000' });
    const bulk = await call('PATCH', '/contacts', {
      data: [
        { type: 'contacts', id: '5001', attributes: { title: 'A' } },
        {
          type: 'contacts',
          id: '5002',
          attributes: { 'contact-phones': [{ value: '020 7946 0958', 'label-name': 'Mobile' }] },
        },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(sims.itglue.contactsOf('1').find((c) => c.id === '5002')!['contact-phones']).toEqual([
      { value: '02079460958', extension: null, primary: false, 'label-name': 'Mobile' },
    ]);
    expect(
      (await call('PATCH', '/contacts/424242', { data: { type: 'contacts', attributes: { title: 'x' } } })).status,
    ).toBe(404);
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
