import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HUDU_PORT_OFFSET, createHuduSimulator } from '../../src/sandbox/hudu/hudu-sandbox.ts';
import type { HuduSimulator } from '../../src/sandbox/hudu/hudu-simulator.ts';
import { HUDU_WINDOW_MS } from '../../src/sandbox/hudu/boundary-window.ts';
import { huduSeedSchema, huduSimulateSchema, type HuduSeed } from '../../src/sandbox/hudu/seed-schema.ts';
import { SimClock } from '../../src/sandbox/sim-clock.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';

const KEY = 'hudu-key-full';
const PEOPLE = 5;
const STAFF = 6;

function person(id: number, archived = false) {
  return {
    id,
    asset_layout_id: PEOPLE,
    name: `Person ${id}`,
    primary_mail: `p${id}@contoso.com`,
    archived,
    fields: [
      { label: 'Title', value: 'Engineer' },
      { label: 'Phone', value: '+1 206 555 0100' },
    ],
  };
}

const seed: HuduSeed = huduSeedSchema.parse({
  assetLayouts: [
    {
      id: PEOPLE,
      name: 'People',
      fields: [
        { label: 'Title' },
        { label: 'Phone', field_type: 'Phone' },
        { label: 'Mobile' },
        { label: 'Other Emails' },
      ],
    },
    { id: STAFF, name: 'Staff', fields: [{ label: 'Employee Number', required: true }, { label: 'Title' }] },
  ],
  companies: [
    {
      id: 1,
      name: 'Contoso Ltd',
      assets: [...Array.from({ length: 60 }, (_, i) => person(100 + i)), person(900, true)],
    },
    { id: 2, name: 'Fabrikam', assets: [{ ...person(200), fields: [] }] },
  ],
});

let requests: LoggedRequest[];
let clock: SimClock;
let hudu: HuduSimulator;
let url: string;

beforeEach(async () => {
  requests = [];
  clock = new SimClock();
  hudu = createHuduSimulator(requests, clock, seed, huduSimulateSchema.parse({}), KEY);
  url = await hudu.server.start();
});
afterEach(async () => {
  await hudu.server.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...headers } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${url}/api/v1${path}`, init);
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Hudu's throttle answers in plain text.
  }
  return { status: response.status, type: response.headers.get('content-type'), body: parsed };
}

/** Every asset of a query, page after page until an empty page; returns the ids and the requests it took. */
async function allAssets(query: string) {
  const ids: number[] = [];
  for (let page = 1; ; page += 1) {
    const answer = await call('GET', `/assets?${query}&page=${page}`);
    expect(answer.status).toBe(200);
    if (answer.body.assets.length === 0) return { ids, requests: page };
    ids.push(...answer.body.assets.map((a: any) => a.id));
  }
}

describe('Hudu simulator', () => {
  it('is placed at port N+7 by its start surface', () => {
    expect(HUDU_PORT_OFFSET).toBe(7);
    expect(hudu.server.name).toBe('hudu');
  });

  it('answers 401 without x-api-key or with a wrong one, on every route', async () => {
    for (const path of ['/companies', '/asset_layouts', '/assets', '/companies/1/assets/100']) {
      expect((await call('GET', path, undefined, { 'x-api-key': '' })).status).toBe(401);
      expect((await call('GET', path, undefined, { 'x-api-key': 'wrong' })).status).toBe(401);
      expect((await call('GET', path)).status).toBe(200);
    }
    const refused = await call('PUT', '/companies/1/assets/100/archive', undefined, { 'x-api-key': 'wrong' });
    expect(refused.status).toBe(401);
    expect(hudu.assetsOf(1).find((a) => a.id === 100)?.archived).toBe(false);
  });

  it('finds companies by name and lists layouts with their labelled, required fields', async () => {
    const companies = await call('GET', `/companies?name=${encodeURIComponent('Contoso Ltd')}&page=1`);
    expect(companies.body.companies).toEqual([expect.objectContaining({ id: 1, name: 'Contoso Ltd' })]);
    expect((await call('GET', '/companies?name=contoso')).body.companies).toEqual([]);
    expect((await call('GET', '/companies?search=fabri')).body.companies.map((c: any) => c.name)).toEqual(['Fabrikam']);
    expect((await call('GET', '/companies/99/assets')).status).toBe(404);
    const layouts = await call('GET', '/asset_layouts');
    expect(layouts.body.asset_layouts.map((l: any) => l.name)).toEqual(['People', 'Staff']);
    // Layouts are documented with `page` alone: a page_size is not theirs.
    expect((await call('GET', '/asset_layouts?page_size=1')).body.asset_layouts).toHaveLength(2);
    expect((await call('GET', '/asset_layouts?page=2')).body.asset_layouts).toEqual([]);
    expect(layouts.body.asset_layouts[1].fields).toEqual([
      expect.objectContaining({ label: 'Employee Number', required: true, field_type: 'Text', position: 1 }),
      expect.objectContaining({ label: 'Title', required: false, position: 2 }),
    ]);
  });

  it('lists 25 assets a page by default, to the end only by paging until an empty page', async () => {
    const first = await call('GET', `/assets?company_id=1&asset_layout_id=${PEOPLE}&page=1`);
    expect(first.body.assets).toHaveLength(25);
    expect(first.body.assets[0]).toMatchObject({
      id: 100,
      company_id: 1,
      asset_layout_id: PEOPLE,
      name: 'Person 100',
      primary_mail: 'p100@contoso.com',
      archived: false,
      fields: [
        { label: 'Title', value: 'Engineer' },
        { label: 'Phone', value: '+1 206 555 0100' },
        { label: 'Mobile', value: null },
        { label: 'Other Emails', value: null },
      ],
    });
    const all = await allAssets(`company_id=1&asset_layout_id=${PEOPLE}`);
    expect(all.ids).toHaveLength(60);
    expect(all.requests).toBe(4);
    expect((await call('GET', '/assets?company_id=1&page_size=1000')).body.assets).toHaveLength(60);
    expect((await call('GET', '/companies/1/assets?page=3')).body.assets).toHaveLength(10);
    expect((await call('GET', '/assets?id=142')).body.assets.map((a: any) => a.name)).toEqual(['Person 142']);
    expect((await call('GET', '/assets?name=Person%20143')).body.assets.map((a: any) => a.id)).toEqual([143]);
  });

  it('cuts a page_size over its cap silently, so a client stopping at a short page misses records', async () => {
    hudu.pageSizeCap = 20;
    const page = await call('GET', '/assets?company_id=1&page_size=50&page=1');
    expect(page.status).toBe(200);
    expect(page.body.assets).toHaveLength(20);
    const second = await call('GET', '/assets?company_id=1&page_size=50&page=2');
    expect(second.body.assets.map((a: any) => a.id)[0]).toBe(120);
  });

  it('lists archived assets only with archived=true; archive and unarchive move an asset between the lists', async () => {
    expect((await allAssets('company_id=1')).ids).not.toContain(900);
    expect((await call('GET', '/assets?company_id=1&archived=true')).body.assets.map((a: any) => a.id)).toEqual([900]);
    const archived = await call('PUT', '/companies/1/assets/101/archive');
    expect(archived.status).toBe(200);
    expect(archived.body.asset).toMatchObject({ id: 101, archived: true });
    expect((await allAssets('company_id=1')).ids).not.toContain(101);
    expect((await call('GET', '/assets?company_id=1&archived=true')).body.assets.map((a: any) => a.id)).toEqual([
      101, 900,
    ]);
    expect((await call('PUT', '/companies/1/assets/101/unarchive')).body.asset.archived).toBe(false);
    expect((await allAssets('company_id=1')).ids).toContain(101);
    expect((await call('PUT', '/companies/2/assets/101/archive')).status).toBe(404);
  });

  it('creates an asset on its company from snake-cased custom fields', async () => {
    const created = await call('POST', '/companies/1/assets', {
      asset: {
        name: 'Ada Lovelace',
        asset_layout_id: PEOPLE,
        primary_mail: 'ada@contoso.com',
        custom_fields: [{ title: 'Analyst' }, { other_emails: 'ada@sales.contoso.com' }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.asset).toMatchObject({ company_id: 1, name: 'Ada Lovelace', primary_mail: 'ada@contoso.com' });
    expect(hudu.fieldsByLabel(created.body.asset.id)).toEqual({
      Title: 'Analyst',
      Phone: null,
      Mobile: null,
      'Other Emails': 'ada@sales.contoso.com',
    });
    const read = await call('GET', `/companies/1/assets/${created.body.asset.id}`);
    expect(read.body.asset.name).toBe('Ada Lovelace');
  });

  it('refuses a create with 422 naming a required field left blank or a custom field the layout lacks', async () => {
    const before = hudu.assetsOf(1).length;
    const missing = await call('POST', '/companies/1/assets', {
      asset: { name: 'Bob', asset_layout_id: STAFF, custom_fields: [{ title: 'Clerk' }] },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toContain('Employee Number');
    const unknown = await call('POST', '/companies/1/assets', {
      asset: { name: 'Bob', asset_layout_id: PEOPLE, custom_fields: [{ job_title: 'Clerk' }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContain('job_title');
    // On create the key is the label in snake case, exactly.
    const unsnaked = await call('POST', '/companies/1/assets', {
      asset: { name: 'Bob', asset_layout_id: PEOPLE, custom_fields: [{ 'Other Emails': 'b@contoso.com' }] },
    });
    expect(unsnaked.status).toBe(422);
    expect(unsnaked.body.errors).toContain('Other Emails');
    const noLayout = await call('POST', '/companies/1/assets', { asset: { name: 'Bob', asset_layout_id: 99 } });
    expect(noLayout.status).toBe(422);
    expect(noLayout.body.errors).toContain('asset_layout_id');
    const bare = await call('POST', '/companies/1/assets', { name: 'Bob', asset_layout_id: PEOPLE });
    expect(bare.status).toBe(400);
    expect(bare.body.details).toContain('asset');
    const form = await call(
      'POST',
      '/companies/1/assets',
      { asset: { name: 'Bob', asset_layout_id: PEOPLE } },
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(form.status).toBe(400);
    const filled = await call('POST', '/companies/1/assets', {
      asset: { name: 'Bob', asset_layout_id: STAFF, custom_fields: [{ employee_number: 'E-7' }] },
    });
    expect(filled.status).toBe(201);
    expect(hudu.assetsOf(1)).toHaveLength(before + 1);
  });

  it('replaces every custom field on update: a field not sent back is blanked', async () => {
    hudu.editAsset(100, { fields: { Mobile: '+1 425 555 0199' } });
    const partial = await call('PUT', '/companies/1/assets/100', {
      asset: { name: 'Person 100', custom_fields: [{ title: 'Lead Engineer' }] },
    });
    expect(partial.status).toBe(200);
    expect(hudu.fieldsByLabel(100)).toEqual({
      Title: 'Lead Engineer',
      Phone: null,
      Mobile: null,
      'Other Emails': null,
    });
    expect(partial.body.asset.fields.find((f: any) => f.label === 'Mobile').value).toBeNull();

    hudu.editAsset(101, { fields: { Mobile: '+1 425 555 0199' } });
    // Update keys are the labels, case-insensitive, with spaces or underscores.
    const whole = await call('PUT', '/companies/1/assets/101', {
      asset: {
        custom_fields: [
          { Title: 'Lead Engineer' },
          { phone: '+1 206 555 0100' },
          { MOBILE: '+1 425 555 0199' },
          { 'other emails': null },
        ],
      },
    });
    expect(whole.status).toBe(200);
    expect(hudu.fieldsByLabel(101)).toEqual({
      Title: 'Lead Engineer',
      Phone: '+1 206 555 0100',
      Mobile: '+1 425 555 0199',
      'Other Emails': null,
    });
    expect(hudu.assetsOf(1).find((a) => a.id === 101)?.name).toBe('Person 101');

    // Without custom_fields, an update changes only what it names.
    await call('PUT', '/companies/1/assets/102', { asset: { primary_mail: 'new102@contoso.com' } });
    expect(hudu.fieldsByLabel(102)).toMatchObject({ Title: 'Engineer', Phone: '+1 206 555 0100' });
    expect(hudu.assetsOf(1).find((a) => a.id === 102)?.primary_mail).toBe('new102@contoso.com');
  });

  it('refuses an update that would blank a required field, or names no field of the layout', async () => {
    const id = hudu.addAsset(1, STAFF, { name: 'Eve', fields: { 'Employee Number': 'E-1', Title: 'Clerk' } });
    const blanked = await call('PUT', `/companies/1/assets/${id}`, { asset: { custom_fields: [{ title: 'Boss' }] } });
    expect(blanked.status).toBe(422);
    expect(blanked.body.errors).toContain('Employee Number');
    const unknown = await call('PUT', `/companies/1/assets/${id}`, {
      asset: { custom_fields: [{ employee_number: 'E-1' }, { shoe_size: '9' }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toContain('shoe_size');
    expect(hudu.fieldsByLabel(id)).toEqual({ 'Employee Number': 'E-1', Title: 'Clerk' });
  });

  it('refuses DELETE to a key without destructive scope, which may still archive', async () => {
    hudu.registerKey('hudu-key-safe', { destructive: false });
    const safe = { 'x-api-key': 'hudu-key-safe' };
    const refused = await call('DELETE', '/companies/1/assets/100', undefined, safe);
    expect(refused.status).toBe(403);
    expect(refused.body.details).toContain('destructive');
    expect(hudu.assetsOf(1).some((a) => a.id === 100)).toBe(true);
    expect((await call('PUT', '/companies/1/assets/100/archive', undefined, safe)).status).toBe(200);
    expect((await call('DELETE', '/companies/1/assets/101')).status).toBe(204);
    expect(hudu.assetsOf(1).some((a) => a.id === 101)).toBe(false);
  });

  it('shows a company-scoped key its companies alone and refuses the others', async () => {
    hudu.registerKey('hudu-key-fabrikam', { companies: [2] });
    const scoped = { 'x-api-key': 'hudu-key-fabrikam' };
    expect((await call('GET', '/companies', undefined, scoped)).body.companies.map((c: any) => c.id)).toEqual([2]);
    expect((await call('GET', '/companies?name=Contoso%20Ltd', undefined, scoped)).body.companies).toEqual([]);
    expect((await call('GET', '/assets?company_id=1', undefined, scoped)).body.assets).toEqual([]);
    expect((await call('GET', '/assets', undefined, scoped)).body.assets.map((a: any) => a.id)).toEqual([200]);
    const other = await call('POST', '/companies/1/assets', { asset: { name: 'X', asset_layout_id: PEOPLE } }, scoped);
    expect(other.status).toBe(403);
    expect(other.body.details).toContain('company 1');
    expect((await call('PUT', '/companies/1/assets/100/archive', undefined, scoped)).status).toBe(403);
  });

  it('answers 429 "Retry later" past the limit until the next 5-minute boundary of the clock', async () => {
    const windowMs = HUDU_WINDOW_MS;
    // Place the clock 4 min 50 s into a window.
    clock.advance(windowMs - (clock.now() % windowMs) + 4 * 60_000 + 50_000);
    hudu.limiter.limit = 3;
    for (let i = 0; i < 3; i += 1) expect((await call('GET', '/companies')).status).toBe(200);
    const throttled = await call('GET', '/companies');
    expect(throttled).toMatchObject({ status: 429, body: 'Retry later\n' });
    expect(throttled.type).toContain('text/plain');
    clock.advance(5_000);
    expect((await call('GET', '/companies')).status).toBe(429);
    // 20 s after the limit was reached, but past the boundary: a new window.
    clock.advance(15_000);
    expect((await call('GET', '/companies')).status).toBe(200);
  });

  it('injects faults through its SimServer and logs each request under "hudu"', async () => {
    hudu.server.faults = { throttle429: 1 };
    expect(await call('GET', '/companies')).toMatchObject({ status: 429, body: 'Retry later\n' });
    hudu.server.faults = { error500: 1 };
    expect((await call('GET', '/companies')).status).toBe(500);
    hudu.server.faults = {};
    expect((await call('GET', '/companies')).status).toBe(200);
    expect(requests.map((r) => [r.server, r.route, r.status, r.fault])).toEqual([
      ['hudu', '/api/v1/companies', 429, 'throttle429'],
      ['hudu', '/api/v1/companies', 500, 'error500'],
      ['hudu', '/api/v1/companies', 200, null],
    ]);
    expect(requests.every((r) => !('x-api-key' in r.headers))).toBe(true);
  });

  it('accepts but drops the asset keys simulate.hudu.ignoreFields names', async () => {
    hudu.ignoredFields = ['primary_mail'];
    const created = await call('POST', '/companies/2/assets', {
      asset: { name: 'Zed', asset_layout_id: PEOPLE, primary_mail: 'zed@fabrikam.com' },
    });
    expect(created.status).toBe(201);
    expect(created.body.asset.primary_mail).toBeNull();
  });

  it("shows through the API what a person does in Hudu's web app", async () => {
    const northwind = hudu.addCompany('Northwind');
    const id = hudu.addAsset(northwind, PEOPLE, { name: 'Nancy', primary_mail: 'nancy@northwind.com' });
    hudu.editAsset(id, { fields: { Mobile: '+1 425 555 0101' } });
    const listed = await call('GET', `/companies/${northwind}/assets`);
    expect(listed.body.assets).toEqual([
      expect.objectContaining({ id, name: 'Nancy', company_name: 'Northwind', asset_type: 'People' }),
    ]);
    expect(listed.body.assets[0].fields.find((f: any) => f.label === 'Mobile').value).toBe('+1 425 555 0101');
    hudu.archiveAsset(id);
    expect((await call('GET', `/companies/${northwind}/assets`)).body.assets).toEqual([]);
    hudu.deleteAsset(id);
    expect((await call('GET', `/companies/${northwind}/assets?archived=true`)).body.assets).toEqual([]);
    expect((await call('GET', `/companies/${northwind}/assets/${id}`)).status).toBe(404);
  });

  it('dumps in the seed shape, with what the API and a person changed', async () => {
    await call('PUT', '/companies/1/assets/100/archive');
    const id = hudu.addAsset(2, PEOPLE, { name: 'Added', fields: { Title: 'CFO' } });
    const dump = huduSeedSchema.parse(hudu.dump());
    expect(dump.assetLayouts[1]).toEqual({
      id: STAFF,
      name: 'Staff',
      fields: [
        { label: 'Employee Number', required: true, field_type: 'Text' },
        { label: 'Title', required: false, field_type: 'Text' },
      ],
    });
    const contoso = dump.companies.find((c) => c.id === 1)!;
    expect(contoso.assets).toHaveLength(61);
    expect(contoso.assets.find((a) => a.id === 100)?.archived).toBe(true);
    expect(dump.companies.find((c) => c.id === 2)?.assets.find((a) => a.id === id)).toEqual({
      id,
      asset_layout_id: PEOPLE,
      name: 'Added',
      primary_mail: null,
      archived: false,
      fields: [
        { label: 'Title', value: 'CFO' },
        { label: 'Phone', value: null },
        { label: 'Mobile', value: null },
        { label: 'Other Emails', value: null },
      ],
    });
  });

  it('refuses a seed whose asset names a field its layout lacks', () => {
    const bad = huduSeedSchema.parse({
      assetLayouts: [{ id: 1, name: 'People', fields: [{ label: 'Title' }] }],
      companies: [
        { id: 1, name: 'A', assets: [{ id: 1, asset_layout_id: 1, name: 'x', fields: [{ label: 'Shoe' }] }] },
      ],
    });
    expect(() => createHuduSimulator([], new SimClock(), bad, huduSimulateSchema.parse({}), KEY)).toThrow(
      /asset 1.*"Shoe" is no field of layout People/,
    );
  });
});
