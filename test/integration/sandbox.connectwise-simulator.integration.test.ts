import { describe, expect, it } from 'vitest';
import {
  apiBase,
  call,
  CELL,
  DIRECT,
  EMAIL,
  nextOf,
  useConnectwiseSimulator,
} from '../support/connectwise-simulator.ts';

/**
 * The ConnectWise simulator over raw HTTP: the strict reading of CONTRACTS.md "ConnectWise PSA (Manage) REST API 3.0"
 * that the ConnectWise client is tested against. Every rule is shown kept and, where the API refuses, refused.
 */

const start = useConnectwiseSimulator();
const contactsOf = (conditions: string, extra = '') =>
  `company/contacts?conditions=${encodeURIComponent(conditions)}&pageSize=1000${extra}`;

describe('discovery and credentials', () => {
  it('answers the codebase of a known company without credentials, pointing at itself, and 404 for another', async () => {
    const s = await start();
    const info = await fetch(
      `${s.urls.connectwise!}/login/companyinfo/${s.credentials.connectwise.company.toUpperCase()}`,
    );
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ Codebase: 'v4_6_release/', SiteUrl: new URL(s.urls.connectwise!).host });
    expect((await fetch(`${s.urls.connectwise!}/login/companyinfo/nobody`)).status).toBe(404);
  });

  it('refuses a call without the clientId, or with a wrong key or company, with 401', async () => {
    const s = await start();
    expect((await call(s, 'GET', 'system/info')).status).toBe(200);
    expect((await call(s, 'GET', 'system/info', undefined, { clientId: null })).status).toBe(401);
    const { company, publicKey } = s.credentials.connectwise;
    for (const pair of [`${company}+${publicKey}:wrong`, `other+${publicKey}:x`, `${publicKey}:x`]) {
      const refused = await call(s, 'GET', 'system/info', undefined, {
        authorization: `Basic ${Buffer.from(pair).toString('base64')}`,
      });
      expect(refused.status, pair).toBe(401);
    }
  });
});

describe('conditions', () => {
  it('narrow contacts by company and inactiveFlag, compare text without regard to case, and take like wildcards', async () => {
    const s = await start(30);
    const active = await call(s, 'GET', contactsOf('company/id=1 and inactiveFlag=false'));
    expect(active.body).toHaveLength(27);
    expect((await call(s, 'GET', contactsOf('company/id=2'))).body).toEqual([]);
    const named = await call(s, 'GET', contactsOf('company/id=1 AND firstName="ANN" and lastName="lee"'));
    expect(named.body.map((c: { id: number }) => c.id)).toEqual([1000]);
    const like = await call(s, 'GET', contactsOf('firstName like "First1%"'));
    expect(like.body).toHaveLength(11);
    const grouped = await call(s, 'GET', contactsOf('(firstName="First3" or firstName="First4") and company/id=1'));
    expect(grouped.body).toHaveLength(2);
  });

  it('finds contacts by an email item with childConditions, and refuses conditions on the list itself', async () => {
    const s = await start(5);
    const child = encodeURIComponent(
      'communicationItems/value like "SECOND@contoso.com" AND communicationItems/communicationType="Email"',
    );
    const found = await call(s, 'GET', `${contactsOf('company/id=1')}&childConditions=${child}`);
    expect(found.body.map((c: { id: number }) => c.id)).toEqual([1001]);
    const onList = await call(s, 'GET', contactsOf('communicationItems/value="p2@contoso.com"'));
    expect(onList.status).toBe(400);
    expect(onList.body.message).toMatch(/childConditions/);
  });

  it('takes single quotes as public clients send them, and refuses what it cannot read: a bare word, an unknown field', async () => {
    const s = await start(1);
    const single = await call(s, 'GET', contactsOf("firstName='ann' and lastName='LEE'"));
    expect(single.body.map((c: { id: number }) => c.id)).toEqual([1000]);
    for (const bad of ['firstName=Ann', 'shoeSize=4', 'company/id=1 and', 'firstName="Ann'])
      expect((await call(s, 'GET', contactsOf(bad))).status, bad).toBe(400);
  });
});

describe('pages', () => {
  it('caps a page at 1,000 and names the next and the last in the Link header', async () => {
    const s = await start(2005);
    const first = await call(s, 'GET', 'company/contacts?conditions=company/id=1&pageSize=5000');
    expect(first.body).toHaveLength(1000);
    expect(first.link).toMatch(/page=2.*rel="next".*page=3.*rel="last"/);
    expect((await call(s, 'GET', 'company/contacts?pageSize=1000&page=3')).body).toHaveLength(5);
    expect((await call(s, 'GET', 'company/contacts')).body).toHaveLength(25);
  });

  it('pages forward-only in id order by pageId, with no next link on the last page', async () => {
    const s = await start(2005);
    const seen: number[] = [];
    let next: string | null = 'company/contacts?conditions=company/id=1&pageSize=1000';
    let pages = 0;
    while (next !== null) {
      const page = await call(s, 'GET', next, undefined, { 'pagination-type': 'forward-only' });
      expect(page.status).toBe(200);
      seen.push(...page.body.map((c: { id: number }) => c.id));
      next = nextOf(page.link);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(2005);
    const page = await call(s, 'GET', 'company/contacts?page=2', undefined, { 'pagination-type': 'forward-only' });
    expect(page.status).toBe(400);
  });
});

describe('contacts', () => {
  const hire = {
    firstName: 'Bo',
    lastName: 'Ng',
    title: 'CFO',
    company: { id: 2 },
    site: { id: 21 },
    communicationItems: [
      { type: { id: EMAIL }, value: 'bo@fabrikam.com', defaultFlag: true, communicationType: 'Email' },
      { type: { id: DIRECT }, value: '+12065550111', defaultFlag: true, communicationType: 'Phone' },
      { type: { id: CELL }, value: '+12065550112', communicationType: 'Phone' },
    ],
  };

  it('creates a contact with its communication items, and answers without null keys', async () => {
    const s = await start(0);
    const created = await call(s, 'POST', 'company/contacts', { ...hire, title: null });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: 'Bo',
      company: { id: 2 },
      site: { id: 21, name: 'Main' },
      inactiveFlag: false,
    });
    expect(created.body).not.toHaveProperty('title');
    expect(
      created.body.communicationItems.map((i: { value: string; defaultFlag: boolean }) => [i.value, i.defaultFlag]),
    ).toEqual([
      ['bo@fabrikam.com', true],
      ['+12065550111', true],
      ['+12065550112', false],
    ]);
  });

  it("refuses a contact without a first name, with a bad email or another company's site, naming each field", async () => {
    const s = await start(0);
    const bad = await call(s, 'POST', 'company/contacts', {
      ...hire,
      firstName: '',
      site: { id: 11 },
      communicationItems: [{ type: { id: EMAIL }, value: 'not-an-email' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'communicationItems[0].value',
      'firstName',
      'site',
    ]);
    expect((await call(s, 'GET', 'company/contacts?conditions=company/id=2')).body).toEqual([]);
  });

  it('patches by JSON Patch only, changing what it names and keeping every item', async () => {
    const s = await start(2);
    const patched = await call(s, 'PATCH', 'company/contacts/1001', [
      { op: 'replace', path: 'title', value: 'Controller' },
      { op: 'replace', path: '/site/id', value: 12 },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Controller', site: { id: 12 }, firstName: 'First1' });
    expect(patched.body.communicationItems).toHaveLength(3);
    expect((await call(s, 'PATCH', 'company/contacts/1001', { title: 'x' })).status).toBe(400);
    expect((await call(s, 'PATCH', 'company/contacts/1001', [{ op: 'replace', path: 'id', value: 5 }])).status).toBe(
      400,
    );
    const inactive = await call(s, 'PATCH', 'company/contacts/1001', [
      { op: 'replace', path: 'inactiveFlag', value: true },
    ]);
    expect(inactive.body.inactiveFlag).toBe(true);
    expect((await call(s, 'DELETE', 'company/contacts/1001')).status).toBe(400);
    expect((await call(s, 'GET', 'company/contacts/1001')).status).toBe(200);
  });

  it('changes one item through the communications sub-resource, one default per kind', async () => {
    const s = await start(1);
    const added = await call(s, 'POST', 'company/contacts/1000/communications', {
      type: { id: EMAIL },
      value: 'ann@fabrikam.com',
      defaultFlag: true,
    });
    expect(added.status).toBe(201);
    const items = (await call(s, 'GET', 'company/contacts/1000/communications')).body as {
      id: number;
      value: string;
      defaultFlag: boolean;
    }[];
    expect(items.filter((i) => i.defaultFlag).map((i) => i.value)).toEqual(['+12065550100', 'ann@fabrikam.com']);
    const phone = items.find((i) => i.value === '+12065550100')!;
    const patched = await call(s, 'PATCH', `company/contacts/1000/communications/${phone.id}`, [
      { op: 'replace', path: 'value', value: '+12065550199' },
    ]);
    expect(patched.body).toMatchObject({ id: phone.id, value: '+12065550199', type: { id: DIRECT } });
    expect((await call(s, 'DELETE', `company/contacts/1000/communications/${added.body.id}`)).status).toBe(204);
    const left = (await call(s, 'GET', 'company/contacts/1000')).body.communicationItems.map(
      (i: { value: string }) => i.value,
    );
    expect(left).toEqual(['Ann.Lee@Contoso.com', '+12065550199']);
  });
});

describe('the sandbox around it', () => {
  it("lists the communication types and sites, plays the cloud front's 429 on /_sim/faults, and dumps its key", async () => {
    const s = await start(1);
    const types = await call(s, 'GET', 'company/communicationTypes');
    expect(types.body.map((t: { description: string }) => t.description)).toEqual([
      'Email',
      'Direct',
      'Fax',
      'Cell',
      'Home',
    ]);
    const sites = await call(s, 'GET', 'company/companies/1/sites');
    expect(sites.body.map((t: { name: string }) => t.name)).toEqual(['Main', 'Annex']);
    const base = await apiBase(s);
    const faults = await fetch(`${s.urls.graph}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'connectwise', throttle429: 1 }),
    });
    expect(faults.status).toBe(200);
    expect((await call(s, 'GET', `${base}system/info`)).status).toBe(429);
    const dump = s.dump();
    expect(Object.keys(dump)).toEqual(['tenants', 'connectwise']);
    expect(dump.connectwise!.companies[0]!.contacts[0]).toMatchObject({
      id: 1000,
      site: { id: 11 },
      inactiveFlag: false,
    });
  });
});
