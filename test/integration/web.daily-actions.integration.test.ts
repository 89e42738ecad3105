import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;
let admin: Browser;
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';

beforeAll(async () => {
  web = await startWebHarness();
  admin = new Browser(web.app);
  await admin.login('admin');
}, 120_000);
afterAll(async () => {
  await web.close();
});

/** The settings form as the browser posts it: every field with its current value, then the changes. */
async function settingsForm(tenantId: string, changes: Record<string, string>): Promise<Record<string, string>> {
  const page = (await admin.get(`/tenants/${tenantId}`)).body;
  const fields: Record<string, string> = {};
  for (const m of page.matchAll(/<input\s+type="(?:text|number)"[^>]*name="([^"]+)"\s+value="([^"]*)"/g))
    fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  for (const m of page.matchAll(/<input\s+type="checkbox"[^>]*name="([^"]+)"\s*(checked)?/g))
    if (m[2] !== undefined) fields[m[1]!] = 'on';
  for (const m of page.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[m[1]!] = selectedOption(m[2]!);
  for (const m of page.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[m[1]!] = m[2]!;
  return { ...fields, ...changes };
}

/** The value a select posts: its selected option's value, or its text when it has none. */
function selectedOption(options: string): string {
  const m = /<option(?:\s+value="([^"]*)")?\s+selected\s*>\s*([^<]*?)\s*</.exec(options);
  return m === null
    ? ''
    : (m[1] ?? m[2]!)
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
}

describe('the dashboard', () => {
  it('shows every tenant with its status, last run, counts and health, and syncs one with a click', async () => {
    const page = textOf((await admin.get('/')).body);
    expect(page).toMatch(
      /Contoso Ltd ok IT Glue Contoso Ltd · BMS Contoso Ltd \(by name\) .*IT Glue: created 92, updated 32, mirrored 8; BMS: created 95, linked 8, updated 8; held 17 \(17 new\), disputed 10 \(10 new\), excluded 17 10 open conflicts/,
    );
    expect(page).toMatch(/Fabrikam GmbH ok/);
    const sync = await admin.post(`/tenants/${CONTOSO}/sync`, { next: '/' });
    expect(sync.statusCode).toBe(303);
    expect(sync.headers.location).toBe('/');
    expect(textOf((await admin.get('/')).body)).toMatch(/Contoso Ltd: ok; .*unchanged \d+/);
    expect((await web.box.store.listAudit(1))[0]).toMatchObject({
      actor: 'web:admin',
      action: 'tenant.sync',
      target: CONTOSO,
    });
  });
});

describe('the tenant page', () => {
  it('shows each validation error next to its field, saves nothing, and keeps what was typed', async () => {
    const before = await web.box.store.latestSettings(CONTOSO);
    const form = await settingsForm(CONTOSO, {
      'phones.defaultRegion': 'usa',
      'deletionGuard.maxFraction': 'lots',
      'phones.blankReplacement': 'none please',
    });
    const response = await admin.post(`/tenants/${CONTOSO}/settings`, form);
    expect(response.statusCode).toBe(400);
    const fieldOf = (key: string) =>
      new RegExp(
        `<div class="field invalid" data-key="${key.replace('.', '\\.')}">[\\s\\S]*?<p class="error"[^>]*>([^<]+)</p>`,
      ).exec(response.body)?.[1];
    expect(fieldOf('phones.defaultRegion')).toMatch(/two-letter ISO 3166 code/);
    expect(fieldOf('deletionGuard.maxFraction')).toBe('must be a number');
    expect(response.body).toMatch(/name="phones.defaultRegion"\s+value="usa"/);
    expect(fieldOf('phones.blankReplacement')).toMatch(/^type a number such as 000-000-0000, or tenantMain/);
    expect(textOf(response.body)).toMatch(/The settings were not saved: 3 fields need a change/);
    expect(await web.box.store.latestSettings(CONTOSO)).toEqual(before);
  });

  it('saves the settings, keeping as overrides only what differs from the global settings', async () => {
    const form = await settingsForm(CONTOSO, {
      'phones.blankReplacement': '000-000-0000',
      'location.strategy': 'officeLocation',
      'scope.excludeUpnPatterns': 'admin-*@*\nsvc-*@*',
    });
    const response = await admin.post(`/tenants/${CONTOSO}/settings`, form);
    expect(response.statusCode).toBe(303);
    const stored = (await web.box.store.latestSettings(CONTOSO))!.json;
    expect(stored).toEqual({
      phones: { blankReplacement: '000-000-0000' },
      location: { strategy: 'officeLocation' },
      scope: { excludeUpnPatterns: ['admin-*@*', 'svc-*@*'] },
    });
    const page = await admin.get(response.headers.location as string);
    expect(textOf(page.body)).toMatch(/Saved the settings of Contoso Ltd \(version \d+\)/);
    expect(page.body).toMatch(/data-key="phones\.blankReplacement">[\s\S]*?Set for this tenant \(global: empty\)/);
    expect((await web.box.store.listAudit(1))[0]).toMatchObject({
      action: 'tenant.settings',
      details: { changes: ['location.strategy', 'phones.blankReplacement', 'scope.excludeUpnPatterns'] },
    });
  });

  it('previews the dry run with field diffs, filtered by outcome, writing nothing', async () => {
    const writes = () => web.box.sims.requestCounts();
    const before = writes();
    const page = await admin.get(`/tenants/${CONTOSO}/preview?outcome=disputed`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toMatch(/Nothing was written/);
    expect(text).toMatch(/disputed \(\d+\)/);
    const outcomes = [...page.body.matchAll(/<tr data-user="[^"]+">[\s\S]*?<span class="badge[^"]*">([^<]+)</g)].map(
      (m) => m[1],
    );
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['disputed']));
    const after = writes();
    expect(after.itglue!.POST ?? 0).toBe(before.itglue!.POST ?? 0);
    expect(after.itglue!.PATCH ?? 0).toBe(before.itglue!.PATCH ?? 0);
    expect(after.bms!.POST ?? 0).toBe(before.bms!.POST ?? 0);
    expect(after.bms!.PUT ?? 0).toBe(before.bms!.PUT ?? 0);
  });

  it('asks for approval when the deletion guard stops a run, and approves with one click', async () => {
    const tenant = (await web.box.store.listTenants()).find((t) => t.displayName === 'Fabrikam GmbH')!;
    for (const user of web.box.sims.graph.users(tenant.id).slice(0, 30))
      web.box.sims.graph.deleteUser(tenant.id, user.id);
    await admin.post(`/tenants/${tenant.id}/sync`);
    const page = await admin.get(`/tenants/${tenant.id}`);
    expect(textOf(page.body)).toMatch(
      /Waiting for approval The deletion guard stopped the inactivation of \d+ contacts/,
    );
    expect(textOf((await admin.get('/')).body)).toMatch(/Fabrikam GmbH needs approval/);
    expect((await admin.post(`/tenants/${tenant.id}/approve`)).statusCode).toBe(303);
    expect(textOf((await admin.get(`/tenants/${tenant.id}`)).body)).toMatch(
      /Approved: the next sync of Fabrikam GmbH inactivates/,
    );
    await admin.post(`/tenants/${tenant.id}/sync`);
    expect((await web.box.store.getTenant(tenant.id))!.status).toBe('ok');
    const refused = await admin.post(`/tenants/${tenant.id}/approve`);
    expect(refused.statusCode).toBe(409);
    expect(textOf(refused.body)).toMatch(/is not waiting for approval/);
  });
});

describe('the conflicts queue', () => {
  it('gives each candidate’s dates where the target keeps them', async () => {
    const page = await admin.get('/conflicts');
    const inDoc = (await web.box.store.listConflicts({ status: 'open' })).find((c) => c.side === 'itglue');
    expect(inDoc, 'an open dispute in IT Glue').toBeDefined();
    const card = new RegExp(
      `<section class="card conflict" data-conflict="${inDoc!.userPrincipalName}"[^>]*>[\\s\\S]*?</section>`,
    ).exec(page.body)![0];
    expect(textOf(card)).toMatch(/made \d{4}-\d\d-\d\d \d\d:\d\d · changed \d{4}-\d\d-\d\d \d\d:\d\d/);
  });

  it('shows the user and each candidate side by side, and resolves with one click', async () => {
    const page = await admin.get('/conflicts');
    const open = await web.box.store.listConflicts({ status: 'open' });
    const conflict = open.find((c) => c.candidates.length === 2)!;
    const card = new RegExp(
      `<section class="card conflict" data-conflict="${conflict.userPrincipalName}"[^>]*>[\\s\\S]*?</section>`,
    ).exec(page.body)![0];
    for (const candidate of conflict.candidates) expect(card).toContain(`contact ${candidate}</h3>`);
    expect(textOf(card)).toContain('Microsoft 365 user');
    const response = await admin.post(`/conflicts/${conflict.id}/resolve`, {
      resolution: 'link',
      contact: conflict.candidates[1]!,
    });
    expect(response.statusCode).toBe(303);
    const after = await admin.get('/conflicts');
    expect(textOf(after.body)).toMatch(
      new RegExp(
        `Resolved: ${conflict.userPrincipalName.replace(/\./g, '\\.')} → linked to (IT Glue|BMS) contact ${conflict.candidates[1]}\\.`,
      ),
    );
    expect(after.body).not.toContain(`data-conflict="${conflict.userPrincipalName}"`);
    const link = await web.box.store.getLink(conflict.tenantId, conflict.userId);
    expect(conflict.side === 'itglue' ? link?.docContactId : String(link?.psaContactId)).toBe(conflict.candidates[1]);
  });

  it('refuses a contact that is not a candidate, saying which are', async () => {
    const conflict = (await web.box.store.listConflicts({ status: 'open' }))[0]!;
    const response = await admin.post(`/conflicts/${conflict.id}/resolve`, { resolution: 'link', contact: '999999' });
    expect(response.statusCode).toBe(400);
    expect(textOf(response.body)).toContain(
      `Contact 999999 is not a candidate of this conflict; the only candidate is IT Glue contact ${conflict.candidates.join(', ')}.`,
    );
  });
});

describe('the contact page', () => {
  const person = async () => {
    const users = await web.box.store.loadUsers(CONTOSO);
    const links = await web.box.store.listLinks(CONTOSO);
    const linked = users.find((u) =>
      links.some((l) => l.userId === u.id && l.psaContactId !== null && l.syncDisabled === 'none'),
    )!;
    return { user: linked, url: `/contacts/${CONTOSO}/${linked.id}` };
  };

  it('shows the person in Microsoft 365, IT Glue and BMS side by side, and highlights a difference', async () => {
    const { user, url } = await person();
    const link = (await web.box.store.getLink(CONTOSO, user.id))!;
    web.box.sims.bms.editContact(link.psaContactId!, { jobTitle: 'Changed in BMS' });
    const page = await admin.get(url);
    expect(page.statusCode).toBe(200);
    const title = /<tr class="differs"[^>]*data-field="Title">([\s\S]*?)<\/tr>/.exec(page.body)?.[1];
    expect(textOf(title ?? '')).toContain('Changed in BMS');
    expect(page.body).toMatch(
      /data-field="First name"><th scope="row">First name<\/th>(<td data-label="[^"]+">[^<]+<\/td>){3}/,
    );
    expect(page.body).toContain(`https://sandbox-msp.itglue.com/1/contacts/${link.docContactId}`);
    expect(page.body).toContain(`https://bms.kaseya.com/react/crm/contacts/${link.psaContactId}`);
  });

  it('Sync now shows each step inline: read, scope, match, plan, apply', async () => {
    const { url } = await person();
    await admin.get(url);
    const response = await admin.htmx('POST', `${url}/sync-now`);
    expect(response.statusCode).toBe(200);
    const steps = /<div id="sync-steps"[^>]*>([\s\S]*?)<\/div>/.exec(response.body)![1]!;
    expect([...steps.matchAll(/data-step="(\w+)"/g)].map((m) => m[1])).toEqual([
      'read',
      'scope',
      'match',
      'plan',
      'apply',
    ]);
    expect(textOf(steps)).toMatch(/apply IT Glue \w+ \(contact \d+\), BMS updated \(contact \d+\)/);
  });

  it('disables sync with BMS, leaving the BMS contact alone, and enables it again', async () => {
    const { user, url } = await person();
    await admin.get(url);
    expect((await admin.post(`${url}/disable`, { leg: 'psa' })).statusCode).toBe(303);
    const page = await admin.get(url);
    expect(textOf(page.body)).toMatch(/Sync disabled for .* \(BMS is left alone\)/);
    expect(textOf(page.body)).toMatch(/Sync disabled with BMS/);
    expect(page.body).toMatch(/>\s*Enable sync\s*<\/button>/);
    const link = (await web.box.store.getLink(CONTOSO, user.id))!;
    expect(link.syncDisabled).toBe('psa');
    web.box.sims.graph.updateUser(CONTOSO, user.id, { jobTitle: 'Head of Everything' });
    await admin.post(`/tenants/${CONTOSO}/sync`);
    expect(
      web.box.sims.bms
        .dump()
        .accounts.flatMap((a) => a.contacts)
        .find((c) => c.id === link.psaContactId)?.jobTitle,
    ).not.toBe('Head of Everything');
    await admin.post(`${url}/enable`);
    expect((await web.box.store.getLink(CONTOSO, user.id))!.syncDisabled).toBe('none');
  });
});

describe('the audit log', () => {
  it('lists what was done in the browser, by whom, on which tenant and person, in words', async () => {
    const text = textOf((await admin.get('/audit')).body);
    for (const what of [
      /web:admin synced now \(ok\) Contoso Ltd/,
      /web:admin changed the settings location\.strategy "default" → "officeLocation", phones\.blankReplacement null → "000-000-0000", scope\.excludeUpnPatterns \["admin\.\*"\] → \["admin-\*@\*","svc-\*@\*"\] \(version 1\) Contoso Ltd/,
      /web:admin approved the inactivations the deletion guard held back Fabrikam GmbH/,
      /web:admin settled the BMS conflict: linked to BMS contact \d+ Contoso Ltd \S+@contoso\.com/,
      /web:admin ran Sync now \(synced\) Contoso Ltd \S+@contoso\.com/,
      /web:admin disabled sync with BMS Contoso Ltd \S+@contoso\.com/,
      /web:admin enabled sync Contoso Ltd \S+@contoso\.com/,
      /web:admin signed in/,
    ])
      expect(text).toMatch(what);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
    expect(text).not.toContain('{"');
  });

  it('filters by tenant, person and kind of action, and links each to its tenant and person', async () => {
    const page = await admin.get(`/audit?tenant=${CONTOSO}&action=contact`);
    const rows = [...page.body.matchAll(/<tr>\s*<td data-label="When">[\s\S]*?<\/tr>/g)].map((m) => textOf(m[0]));
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) expect(row).toMatch(/ Contoso Ltd \S+@contoso\.com$/);
    const person = /<a href="(\/contacts\/[^"]+)">(\S+@contoso\.com)<\/a>/.exec(page.body)!;
    expect((await admin.get(person[1]!)).statusCode).toBe(200);
    const fabrikam = textOf((await admin.get('/audit?tenant=2a7e5b90-13c4-4d8f-8e21-7b6a9c0d3e02')).body);
    expect(fabrikam).toMatch(/approved the inactivations/);
    expect(fabrikam).not.toMatch(/Contoso Ltd \S+@contoso/);
  });
});
