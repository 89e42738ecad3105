import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionItems } from '../../src/operations/attention.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

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
    const held = (await attentionItems(web.box.store, { kind: 'held', tenantId: contoso })).length;
    expect(held).toBeGreaterThan(0);
    expect(textOf(row)).toContain(`${held} held from BMS`);
    const waiting = (await attentionItems(web.box.store)).length;
    expect(textOf(/<nav aria-label="Main">[\s\S]*?<\/nav>/.exec(page.body)![0])).toContain(
      `Needs attention ${waiting} waiting`,
    );
  });
});
