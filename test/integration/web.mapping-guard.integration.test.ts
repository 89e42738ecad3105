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

describe('the mapping form', () => {
  it('offers organizations and accounts by name, the closest first, without ids', async () => {
    const page = await admin.get(`/tenants/${CONTOSO}/mapping`);
    expect(page.statusCode).toBe(200);
    const itglue = /<select id="itglue"[\s\S]*?<\/select>/.exec(page.body)![0];
    const options = [...itglue.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => m[2]!.trim());
    expect(options).toEqual([
      'Contoso Ltd',
      'Fabrikam GmbH — mapped to Fabrikam GmbH',
      'Northwind Traders — mapped to Northwind Traders',
    ]);
    expect(textOf(itglue)).not.toMatch(/\(\d+\)/);
  });

  it('shows the current mapping chosen, so that saving the form unchanged keeps it', async () => {
    const before = await web.box.store.getTenant(CONTOSO);
    const page = await admin.get(`/tenants/${CONTOSO}/mapping`);
    const chosen = (id: string) =>
      /<option value="([^"]*)"\s+selected/.exec(
        new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(page.body)![0],
      )?.[1];
    expect([chosen('itglue'), chosen('bms')]).toEqual([before!.docCustomerId, String(before!.psaCustomerId)]);
    const saved = await admin.post(`/tenants/${CONTOSO}/mapping`, { itglue: chosen('itglue')!, bms: chosen('bms')! });
    expect(saved.statusCode).toBe(303);
    const after = await web.box.store.getTenant(CONTOSO);
    expect([after!.docCustomerId, after!.psaCustomerId]).toEqual([before!.docCustomerId, before!.psaCustomerId]);
  });

  it('saving the mapping unchanged changes nothing: it stays "by name", nothing is audited, and the page says so', async () => {
    const before = await web.box.store.getTenant(CONTOSO);
    expect(before!.mapping).toBe('auto');
    const audited = (await web.box.store.listAudit(500)).length;
    const saved = await admin.post(`/tenants/${CONTOSO}/mapping`, {
      itglue: before!.docCustomerId!,
      bms: String(before!.psaCustomerId),
    });
    expect(saved.statusCode).toBe(303);
    const page = textOf((await admin.get(saved.headers.location as string)).body);
    expect(page).toContain('Nothing changed.');
    expect(page).toMatch(/IT Glue Contoso Ltd · BMS Contoso Ltd \(by name\)/);
    expect(await web.box.store.getTenant(CONTOSO)).toEqual(before);
    expect((await web.box.store.listAudit(500)).length).toBe(audited);
  });

  it("refuses Contoso onto Fabrikam's records, with the reason beside each field, and maps nothing", async () => {
    const before = await web.box.store.getTenant(CONTOSO);
    const refused = await admin.post(`/tenants/${CONTOSO}/mapping`, { itglue: '2', bms: '2' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatch(
      /<p class="error" id="mapping-itglue-error" role="alert">IT Glue organization &quot;Fabrikam GmbH&quot; is already mapped to Fabrikam GmbH/,
    );
    expect(refused.body).toMatch(
      /<p class="error" id="mapping-bms-error" role="alert">BMS account &quot;Fabrikam GmbH&quot; is already mapped/,
    );
    const names = textOf(/<div class="side-by-side names">[\s\S]*?<\/div>/.exec(refused.body)![0]);
    expect(names).toBe('Microsoft 365 tenant Contoso Ltd IT Glue organization Fabrikam GmbH BMS account Fabrikam GmbH');
    expect(await web.box.store.getTenant(CONTOSO)).toEqual(before);
    // A confirmation given for one choice does not carry over to another.
    const other = await admin.post(`/tenants/${CONTOSO}/mapping`, {
      itglue: '3',
      bms: '3',
      confirm: 'on',
      confirmed: '2|2',
      force: 'one customer',
    });
    expect(other.statusCode).toBe(409);
    expect(textOf(other.body)).toMatch(/The names differ: tenant "Contoso Ltd" · IT Glue "Northwind Traders"/);
    expect(await web.box.store.getTenant(CONTOSO)).toEqual(before);
  });

  it('maps once the names are confirmed and the reason is given, and the dashboard shows the names', async () => {
    const done = await admin.post(`/tenants/${CONTOSO}/mapping`, {
      itglue: '2',
      bms: '2',
      confirm: 'on',
      confirmed: '2|2',
      force: 'Contoso bought Fabrikam',
    });
    expect(done.statusCode).toBe(303);
    expect(textOf((await admin.get('/')).body)).toMatch(
      /Contoso Ltd ok .*IT Glue Fabrikam GmbH · BMS Fabrikam GmbH \(by hand\)/,
    );
    const back = await admin.post(`/tenants/${CONTOSO}/mapping`, { itglue: '1', bms: '1' });
    expect(back.statusCode).toBe(303);
    expect(textOf((await admin.get(`/tenants/${CONTOSO}`)).body)).toMatch(
      /IT Glue Contoso Ltd · BMS Contoso Ltd \(by hand\)/,
    );
  });
});
