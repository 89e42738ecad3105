import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionItems, type AttentionItem } from '../../src/operations/attention.ts';
import { graphUser } from '../support/simulators.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

let web: WebHarness;
let admin: Browser;
let viewer: Browser;
const ids: Record<'contoso' | 'fabrikam' | 'northwind', string> = { contoso: '', fabrikam: '', northwind: '' };

const items = () => attentionItems(web.box.store, BOTH_TARGETS);
const kindsOf = (list: readonly AttentionItem[], tenantId: string) =>
  [...new Set(list.filter((i) => i.tenantId === tenantId).map((i) => i.kind))].sort();

/** The BMS simulator's own state, changed as a vendor would change it under contactsync. */
const bmsState = () =>
  web.box.sims.bms as unknown as {
    phoneTypes: { id: number; name: string }[];
    simulate: { ignoreFields: string[] };
  };

beforeAll(async () => {
  web = await startWebHarness();
  for (const t of await web.box.store.listTenants()) {
    if (t.displayName === 'Contoso Ltd') ids.contoso = t.id;
    if (t.displayName === 'Fabrikam GmbH') ids.fabrikam = t.id;
    if (t.displayName === 'Northwind Traders') ids.northwind = t.id;
  }
  const { graph } = web.box.sims;
  // Fabrikam: a third of its people leave at once: the deletion guard halts.
  const fabrikamUsers = graph.users(ids.fabrikam);
  for (const user of fabrikamUsers.slice(0, Math.ceil(fabrikamUsers.length / 3)))
    graph.deleteUser(ids.fabrikam, user.id);
  await web.box.runner.runTenant(ids.fabrikam);
  // Northwind: BMS drops the phone type contactsync uses: a new hire's BMS contact is refused (a failed user) ...
  const types = bmsState().phoneTypes;
  bmsState().phoneTypes = types.filter((t) => t.name !== 'Office');
  graph.addUser(
    ids.northwind,
    graphUser('nw-new-hire', {
      userPrincipalName: 'new.hire@northwindtraders.com',
      mail: 'new.hire@northwindtraders.com',
      proxyAddresses: ['SMTP:new.hire@northwindtraders.com'],
      givenName: 'New',
      surname: 'Hire',
      displayName: 'New Hire',
    }),
  );
  await web.box.runner.runTenant(ids.northwind);
  bmsState().phoneTypes = types;
  // ... and its IT Glue organization disappears from under the mapping: the next run fails.
  const northwind = (await web.box.store.getTenant(ids.northwind))!;
  await web.box.store.setMapping(ids.northwind, '999999', northwind.psaCustomerId, 'manual');
  await web.box.runner.runTenant(ids.northwind, { force: true });
  await web.box.store.setMapping(ids.northwind, northwind.docCustomerId, northwind.psaCustomerId, 'manual');
  // Contoso: BMS silently drops job titles: the contract guard stops BMS writes.
  bmsState().simulate.ignoreFields = ['jobTitle'];
  graph.addUser(
    ids.contoso,
    graphUser('co-new-hire', {
      userPrincipalName: 'titled.hire@contoso.com',
      mail: 'titled.hire@contoso.com',
      proxyAddresses: ['SMTP:titled.hire@contoso.com'],
      givenName: 'Titled',
      surname: 'Hire',
      displayName: 'Titled Hire',
      jobTitle: 'Controller',
    }),
  );
  await web.box.runner.runTenant(ids.contoso);
  bmsState().simulate.ignoreFields = [];
  admin = new Browser(web.app);
  await admin.login('admin');
  viewer = new Browser(web.app);
  await viewer.login('viewer');
}, 240_000);
afterAll(async () => {
  await web?.close();
});

describe('Needs attention across three customers', () => {
  it('lists each kind of item, by customer, with what would release a held contact', async () => {
    const list = await items();
    expect(kindsOf(list, ids.contoso)).toEqual(['conflict', 'contract-mismatch', 'held']);
    expect(kindsOf(list, ids.fabrikam)).toEqual(expect.arrayContaining(['guard-halt']));
    expect(kindsOf(list, ids.northwind)).toEqual(expect.arrayContaining(['failed']));
    const failed = list.filter((i) => i.tenantId === ids.northwind && i.kind === 'failed');
    expect(failed.map((i) => i.subject).sort()).toEqual(['Northwind Traders', 'new.hire@northwindtraders.com']);
    expect(failed.find((i) => i.userId === null)!.detail).toMatch(/^the last sync failed: /);
    expect(failed.find((i) => i.userId !== null)!.detail).toMatch(/phoneTypeId|phone/i);
    const mismatch = list.find((i) => i.kind === 'contract-mismatch')!;
    expect(mismatch.detail).toMatch(/did not keep "jobTitle"/);
    const noPhone = list.find((i) => i.kind === 'held' && i.release?.setting === 'phones.blankReplacement')!;
    expect(noPhone.release!.advice).toBe(
      "give the user a phone in Microsoft 365, or set the tenant's blank-phone replacement",
    );
    const halt = list.find((i) => i.kind === 'guard-halt')!;
    // Who would be inactivated, the first three by name and address and the rest counted.
    expect(halt.detail).toMatch(
      /^the deletion guard held back (\d+) inactivations \([^<]+ <[^>]+>, [^<]+ <[^>]+>, [^<]+ <[^>]+> and \d+ more\): check who left, then approve$/,
    );
    // Grouped by kind, then customer.
    const order = list.map((i) => i.kind);
    expect(order.indexOf('held')).toBeGreaterThan(order.lastIndexOf('conflict'));
  });

  it('shows them on the page, grouped and filterable, and exports them as CSV', async () => {
    const page = await viewer.get('/attention');
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const heading of [
      'Conflicts to decide',
      'Held from BMS',
      'Deletion-guard halts',
      'Failed',
      'Contract mismatches',
    ])
      expect(text).toContain(heading);
    expect(page.body).not.toContain('Create a new contact: all');
    const held = await viewer.get(`/attention?kind=held&tenant=${encodeURIComponent('contoso ltd')}`);
    const groups = [...held.body.matchAll(/data-tenant="([^"]+)" data-kind="([^"]+)"/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(groups).toEqual(['Contoso Ltd/held']);
    const csv = await viewer.get('/attention.csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csv.body.trim().split('\r\n');
    expect(rows[0]).toBe('kind,tenant,subject,detail,release,since,id,link');
    expect(rows).toHaveLength((await items()).length + 1);
    const api = (
      await web.app.inject({
        url: '/api/attention?kind=guard-halt',
        headers: { authorization: `Bearer ${web.tokens.viewer}` },
      })
    ).json() as { items: AttentionItem[] };
    expect(api.items.map((i) => i.tenantName)).toEqual(['Fabrikam GmbH']);
  });

  it('asks before creating contacts: the count, the customers, the people, and a third BMS contact for a BMS dispute', async () => {
    const conflicts = (await items()).filter((i) => i.kind === 'conflict');
    const bmsSide = (await web.box.store.listConflicts({ status: 'open' })).filter((c) => c.side === 'bms');
    expect(bmsSide.length).toBeGreaterThan(0);
    const dump = () => JSON.stringify(web.box.sims.dump());
    const before = dump();
    const page = await admin.get('/attention?kind=conflict');
    expect(page.body).not.toMatch(/<button type="submit" name="action" value="create-all">/);
    const response = await admin.post('/attention/act', {
      action: 'create-all',
      back: '/attention?kind=conflict',
      group: conflicts.map((i) => i.id),
    });
    expect(response.statusCode).toBe(200);
    const text = textOf(response.body);
    const customers = new Set(conflicts.map((i) => i.tenantName));
    expect(text).toContain(`Create ${conflicts.length} new contacts for ${customers.size} customers?`);
    for (const customer of customers) expect(text).toContain(customer);
    for (const item of conflicts) expect(text).toContain(item.subject);
    expect(text).toMatch(/two or more BMS contacts already: a new BMS contact for (them|each) makes a third/);
    expect(response.body).toContain('name="confirmed" value="yes"');
    // Nothing is created, and nothing is decided, until it is confirmed.
    expect(dump()).toBe(before);
    expect((await items()).filter((i) => i.kind === 'conflict')).toEqual(conflicts);
  });

  it('creates a contact for every Contoso conflict once confirmed, and the queue clears them', async () => {
    const before = (await items()).filter((i) => i.kind === 'conflict' && i.tenantId === ids.contoso);
    expect(before.length).toBeGreaterThan(1);
    const contacts = () =>
      web.box.sims.dump().itglue!.organizations.find((o) => o.name === 'Contoso Ltd')!.contacts.length;
    const count = contacts();
    const itglueSide = (await web.box.store.listConflicts({ status: 'open', tenantId: ids.contoso })).filter(
      (c) => c.side === 'itglue',
    ).length;
    await admin.get('/attention?kind=conflict');
    const confirm = await admin.post('/attention/act', {
      action: 'create-all',
      back: '/attention?kind=conflict',
      group: before.map((i) => i.id),
    });
    expect(textOf(confirm.body)).toContain(`Create ${before.length} new contacts for 1 customer?`);
    const response = await admin.post('/attention/act', {
      action: 'create',
      confirmed: 'yes',
      back: '/attention?kind=conflict',
      item: [...confirm.body.matchAll(/name="item" value="([^"]+)"/g)].map((m) => m[1]!),
    });
    expect(response.statusCode).toBe(303);
    const page = await admin.get(response.headers.location as string);
    expect(textOf(page.body)).toMatch(new RegExp(`Create a new contact: ${before.length} items\\. Contoso Ltd: ok`));
    const after = (await items()).filter((i) => i.kind === 'conflict' && i.tenantId === ids.contoso);
    expect(after).toEqual([]);
    // Each user disputed over IT Glue contacts has a new IT Glue contact now.
    expect(contacts()).toBe(count + itglueSide);
    const audit = await web.box.store.listAudit(200);
    expect(audit.filter((a) => a.action === 'conflict.resolve' && a.actor === 'web:admin')).toHaveLength(before.length);
  });

  it("sets a tenant's blank-phone replacement and re-plans, releasing its contacts held for a phone", async () => {
    const held = (await items()).filter((i) => i.kind === 'held' && i.release?.setting === 'phones.blankReplacement');
    const tenantId = held[0]!.tenantId;
    await admin.get('/attention?kind=held');
    const response = await admin.post('/attention/blank-phone', {
      tenant: tenantId,
      value: '000-000-0000',
      back: '/attention?kind=held',
    });
    expect(response.statusCode).toBe(303);
    const left = (await items()).filter(
      (i) => i.kind === 'held' && i.tenantId === tenantId && i.release?.setting === 'phones.blankReplacement',
    );
    expect(left).toEqual([]);
    expect(textOf((await admin.get('/attention')).body)).toMatch(
      /phones\.blankReplacement is now "000-000-0000"; synced again: ok/,
    );
  });

  it('approves the halt and syncs again the failed, from the queue', async () => {
    const halt = (await items()).find((i) => i.kind === 'guard-halt')!;
    await admin.get('/attention');
    await admin.post('/attention/act', { action: 'approve', item: halt.id, back: '/attention' });
    expect((await web.box.store.getTenant(ids.fabrikam))!.status).toBe('ok');
    const failed = (await items()).filter((i) => i.kind === 'failed' || i.kind === 'contract-mismatch');
    await admin.get('/attention');
    await admin.post('/attention/act', { action: 'retry-all', back: '/attention', group: failed.map((i) => i.id) });
    const left = (await items()).filter((i) => ['guard-halt', 'failed', 'contract-mismatch'].includes(i.kind));
    expect(left).toEqual([]);
  });

  it('refuses a viewer, and says when nothing selected can take the action', async () => {
    await viewer.get('/attention');
    expect((await viewer.post('/attention/act', { action: 'retry-all' })).statusCode).toBe(403);
    await admin.get('/attention');
    const none = await admin.post('/attention/act', { action: 'approve', back: '/attention' });
    expect(textOf((await admin.get(none.headers.location as string)).body)).toMatch(
      /Select at least one item, then choose the action\./,
    );
  });

  it('says how BMS candidates were found, the same on every run (not the rule that matched the user in IT Glue)', async () => {
    // From the second run on, the user is matched in IT Glue by "link": a BMS dispute is still about email or name.
    await web.box.runner.runTenant(ids.northwind, { force: true });
    const bms = (await items()).filter(
      (i) => i.kind === 'conflict' && i.tenantId === ids.northwind && / BMS /.test(i.detail),
    );
    expect(bms.length).toBeGreaterThan(0);
    for (const item of bms) expect(item.detail).toBe("2 BMS contacts with the user's email or name");
  });
});
