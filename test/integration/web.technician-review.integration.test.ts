import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutControlCharacters } from '../../src/normalize/control-characters.ts';
import { attentionItems } from '../../src/operations/attention.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

/** What a new technician noticed on the pages: each answered as they would expect. */
let web: WebHarness;
let admin: Browser;
let contoso = '';
let northwind = '';

beforeAll(async () => {
  web = await startWebHarness();
  for (const t of await web.box.store.listTenants()) {
    if (t.displayName === 'Contoso Ltd') contoso = t.id;
    if (t.displayName === 'Northwind Traders') northwind = t.id;
  }
  admin = new Browser(web.app);
  await admin.login('admin');
}, 240_000);
afterAll(async () => {
  await web?.close();
});

describe('the pages, as a technician reads them', () => {
  it('a failed run does not say "nothing to do"', async () => {
    const run = await web.box.store.startRun(northwind);
    await web.box.store.finishRun(run, 'failed', {}, 'IT Glue answered 503 on every try');
    const page = textOf((await admin.get(`/runs/${run}`)).body);
    expect(page).toContain('nothing written');
    expect(page).not.toContain('nothing to do');
    expect(textOf((await admin.get(`/tenants/${northwind}`)).body)).not.toContain('nothing to do');
  });

  it('Preview\'s "with changes" counts the users a sync writes for, not the excluded or disputed', async () => {
    const page = await admin.get(`/tenants/${contoso}/preview`);
    const shown = Number(/with changes \((\d+)\)/.exec(textOf(page.body))![1]);
    const outcomes = [...page.body.matchAll(/<td data-label="Outcome"><span class="badge[^"]*">([^<]+)<\/span>/g)].map(
      (m) => m[1],
    );
    expect(outcomes).toHaveLength(shown);
    for (const outcome of outcomes) expect(['synced', 'inactivated', 'failed']).toContain(outcome);
    // The demo's Contoso has excluded and disputed people: under their own filters, not under "with changes".
    expect(textOf(page.body)).toMatch(/excluded \(\d+\)/);
    expect(textOf(page.body)).toMatch(/disputed \(\d+\)/);
  });

  it('the filter chip names BMS as BMS', async () => {
    expect(textOf((await admin.get('/attention')).body)).toMatch(/held from BMS \(\d+\)/);
  });

  it('a wrong blank-phone value says what to type, not "use null"', async () => {
    const response = await web.app.inject({
      method: 'PUT',
      url: `/api/tenants/${contoso}/settings`,
      headers: { authorization: `Bearer ${web.tokens.admin}` },
      payload: { phones: { blankReplacement: 'none' } },
    });
    expect(response.statusCode).toBe(400);
    const message = JSON.stringify(response.json());
    expect(message).not.toMatch(/use null/);
    expect(message).toMatch(/type a number such as 000-000-0000, or tenantMain/);
  });

  it('the dashboard says how changes arrive once, shows held contacts in Health, and the navigation counts what waits', async () => {
    const page = await admin.get('/');
    expect(page.body.match(/read every pollSeconds/g)).toHaveLength(1);
    const row = /<tr data-tenant="Contoso Ltd">[\s\S]*?<\/tr>/.exec(page.body)![0];
    const held = (await attentionItems(web.box.store, BOTH_TARGETS, { kind: 'held', tenantId: contoso })).length;
    expect(held).toBeGreaterThan(0);
    expect(textOf(row)).toContain(`${held} held from BMS`);
    const waiting = (await attentionItems(web.box.store, BOTH_TARGETS)).length;
    expect(textOf(/<nav aria-label="Main">[\s\S]*?<\/nav>/.exec(page.body)![0])).toContain(
      `Needs attention ${waiting} waiting`,
    );
  });
});

describe('what a new technician found next', () => {
  it('a row waiting for approval says what approving does, and the report keeps its values', async () => {
    const fabrikam = (await web.box.store.listTenants()).find((t) => t.displayName === 'Fabrikam GmbH')!;
    for (const user of web.box.sims.graph.users(fabrikam.id).slice(0, 30))
      web.box.sims.graph.deleteUser(fabrikam.id, user.id);
    await admin.post(`/tenants/${fabrikam.id}/sync`);
    const page = await admin.get(`/tenants/${fabrikam.id}`);
    const section = textOf(/<section class="card" id="approval">[\s\S]*?<\/section>/.exec(page.body)![0]);
    expect(section).toContain('inactivate on approval');
    expect(section).toMatch(/approving inactivates the BMS contact \S[^(]* &lt;[^&]+@[^&]+&gt; \(\d+\)/);
    expect(section).not.toContain('the contact is inactivated');
    const run = (await web.box.store.listRuns(fabrikam.id, 1))[0]!;
    const waiting = (await web.box.store.resultsOfRun(run.id)).filter((u) => u.outcome === 'pending-approval');
    expect(waiting.length).toBeGreaterThan(0);
    for (const u of waiting) expect(u.psa).toBe('none');
  });

  it('a sign-in name on a run page may wrap only after its @ and before its dots', async () => {
    const run = (await web.box.store.listRuns(contoso, 25)).find((r) => r.status !== 'unchanged')!;
    const page = await admin.get(`/runs/${run.id}?all=1`);
    const [, upn] = /<tr data-user="([^"]+@[^"]+)">/.exec(page.body)!;
    expect(page.body).toContain(upn!.split(/(?<=@)|(?=\.)/).join('<wbr />'));
    const css = (await admin.get('/assets/app.css')).body;
    expect(css).not.toMatch(/table\.results td \{ overflow-wrap:anywhere/);
  });

  it('the held table says since when each contact is held', async () => {
    const held = await attentionItems(web.box.store, BOTH_TARGETS, { kind: 'held', tenantId: contoso });
    const page = await admin.get(`/attention?kind=held&tenant=${encodeURIComponent(contoso)}`);
    expect(page.body).toContain('<th>Held since</th>');
    const row = new RegExp(`<tr data-item="${held[0]!.id}">[\\s\\S]*?</tr>`).exec(page.body)![0];
    expect(textOf(row)).toContain(held[0]!.since.replace('T', ' ').slice(0, 16));
  });

  it('a job title with a terminal escape code is not flagged as differing when every column shows the same', async () => {
    const user = web.box.sims.graph.users(contoso).find((u) => u.jobTitle !== null && u.jobTitle !== undefined)!;
    web.box.sims.graph.updateUser(contoso, user.id, { jobTitle: `\u001b[1mController` });
    await web.box.syncAll({ force: true });
    const page = await admin.get(`/contacts/${contoso}/${encodeURIComponent(user.id)}`);
    const row = /<tr[^>]*data-field="Title"[^>]*>[\s\S]*?<\/tr>/.exec(page.body)![0];
    const cells = [...row.matchAll(/<td data-label="[^"]+">([\s\S]*?)<\/td>/g)].map((m) =>
      withoutControlCharacters(textOf(m[1]!)),
    );
    expect(new Set(cells).size).toBe(1);
    expect(row).not.toContain('differs');
  });
});
