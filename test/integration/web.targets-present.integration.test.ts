import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { Targets } from '../../src/domain/target-profile.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

/**
 * The pages and the REST API show the targets an installation has, and only those: an install with a PSA alone has
 * no documentation platform's column, section, link or word, and one with a documentation platform alone no PSA's.
 */
let web: WebHarness;
const apps: FastifyInstance[] = [];
let psaOnly: Browser;
let docOnly: Browser;
let both: Browser;
let contoso = '';
let linked = '';

async function appWith(targets: Targets): Promise<Browser> {
  const app = await buildWebApp({ services: { ...web.box.webServices(), targets } });
  apps.push(app);
  const browser = new Browser(app);
  await browser.login('admin');
  return browser;
}

/**
 * The page as the installation shows it, without what past runs recorded (their counts and changes name the targets
 * the demo was synced with): the part before the history, and no "Last changes" cells.
 */
function shownOf(body: string): string {
  const text = textOf(body.replace(/<td data-label="Last changes">[\s\S]*?<\/td>/g, ''));
  return text.split(' History When What ')[0]!;
}

/** The column heads of the page's first table. */
function headsOf(body: string): string[] {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(body)?.[1] ?? '';
  return [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]!));
}

beforeAll(async () => {
  web = await startWebHarness();
  contoso = (await web.box.store.listTenants()).find((t) => t.displayName === 'Contoso Ltd')!.id;
  linked = (await web.box.store.listLinks(contoso)).find((l) => l.psaContactId !== null)!.userId;
  psaOnly = await appWith({ doc: null, psa: bmsProfile });
  docOnly = await appWith({ doc: itglueProfile, psa: null });
  both = new Browser(web.app);
  await both.login('admin');
}, 240_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  await web?.close();
});

describe('a PSA alone', () => {
  it('the contact page compares Microsoft 365 with BMS, with no IT Glue column or contact', async () => {
    const page = await psaOnly.get(`/contacts/${contoso}/${linked}`);
    expect(page.statusCode).toBe(200);
    expect(headsOf(page.body)).toEqual(['Field', 'Microsoft 365', 'BMS']);
    const text = shownOf(page.body);
    expect(text).toContain('BMS contact');
    expect(text).not.toContain('IT Glue');
    expect(headsOf(page.body.split('<h2>History</h2>')[1]!)).toEqual([
      'When',
      'What',
      'Outcome',
      'BMS',
      'Changes and reasons',
    ]);
    // One leg only: disabling it is disabling the sync, and unlinking it is unlinking the person.
    expect(text).toContain('Disable sync with BMS');
    expect(text).not.toContain('Unlink from BMS');
  });

  it('the tenant page, the dashboard, the mapping and the settings say BMS and never IT Glue', async () => {
    for (const path of ['/', `/tenants/${contoso}/mapping`, '/alerts']) {
      const page = await psaOnly.get(path);
      expect(page.statusCode, path).toBe(200);
      expect(shownOf(page.body), path).not.toContain('IT Glue');
    }
    const dashboard = await psaOnly.get('/');
    expect(headsOf(dashboard.body)).toContain('BMS');
    expect(shownOf(dashboard.body)).toContain('BMS Contoso Ltd (by name)');
    expect(shownOf((await psaOnly.get('/attention')).body)).toMatch(/held from BMS \(\d+\)/);
    const mapping = textOf((await psaOnly.get(`/tenants/${contoso}/mapping`)).body);
    expect(mapping).toContain('BMS account');
    expect(mapping).not.toContain('none:');
    const tenant = await psaOnly.get(`/tenants/${contoso}`);
    expect(tenant.statusCode).toBe(200);
    const settings = textOf(/<form class="settings"[\s\S]*?<\/form>/.exec(tenant.body)![0]);
    expect(settings).toContain('Kaseya BMS');
    expect(settings).toContain('Push contacts to BMS');
    expect(settings).not.toContain('IT Glue');
    expect(tenant.body).not.toContain('name="contactType"');
  });

  it('the REST API answers with the BMS keys and no IT Glue key, and describes no IT Glue', async () => {
    const auth = { authorization: `Bearer ${web.tokens.admin}` };
    const app = apps[0]!;
    const contact = (await app.inject({ url: `/api/contacts/${contoso}/${linked}`, headers: auth })).json();
    expect(Object.keys(contact)).toContain('bms');
    expect(Object.keys(contact)).not.toContain('itglue');
    expect(contact.tenant).toHaveProperty('bmsAccountId');
    expect(contact.tenant).not.toHaveProperty('itglueOrganizationId');
    expect(contact.fields[0]).toEqual({
      field: 'First name',
      microsoft: expect.any(String),
      bms: expect.any(String),
      differs: expect.any(Boolean),
    });
    const openapi = (await app.inject({ url: '/api/openapi.json' })).body;
    expect(openapi).not.toContain('IT Glue');
    expect(openapi).not.toContain('itglue');
  });
});

describe('a documentation platform alone', () => {
  it('the contact page compares Microsoft 365 with IT Glue, with no BMS column or contact', async () => {
    const page = await docOnly.get(`/contacts/${contoso}/${linked}`);
    expect(page.statusCode).toBe(200);
    expect(headsOf(page.body)).toEqual(['Field', 'Microsoft 365', 'IT Glue']);
    const text = shownOf(page.body);
    expect(text).toContain('IT Glue contact');
    expect(text).not.toContain('BMS');
    expect(text).toContain('Disable sync with IT Glue');
  });

  it('the dashboard, the mapping and the settings never name BMS', async () => {
    for (const path of ['/', `/tenants/${contoso}/mapping`]) {
      const page = await docOnly.get(path);
      expect(page.statusCode, path).toBe(200);
      expect(shownOf(page.body), path).not.toContain('BMS');
    }
    const tenant = await docOnly.get(`/tenants/${contoso}`);
    const settings = textOf(/<form class="settings"[\s\S]*?<\/form>/.exec(tenant.body)![0]);
    expect(settings).toContain('IT Glue contact type');
    expect(settings).not.toContain('BMS');
  });
});

describe('both, as today', () => {
  it('the contact page has a column for each, and the controls of each leg', async () => {
    const page = await both.get(`/contacts/${contoso}/${linked}`);
    expect(headsOf(page.body)).toEqual(['Field', 'Microsoft 365', 'IT Glue', 'BMS']);
    const text = textOf(page.body);
    expect(text).toContain('Disable sync with BMS');
    expect(text).toContain('Disable sync with IT Glue and BMS');
    expect(text).toContain('Unlink from BMS');
    expect(textOf((await both.get(`/tenants/${contoso}/mapping`)).body)).toContain('none: IT Glue only');
  });
});
