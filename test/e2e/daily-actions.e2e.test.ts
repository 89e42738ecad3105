import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startWebHarness, type WebHarness } from '../support/web.ts';
import { fitsWidth, launchChromium, screenshot, tablesScrolling } from './browser.ts';

let web: WebHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
const CONTOSO = 'Contoso Ltd';

beforeAll(async () => {
  web = await startWebHarness();
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

const notice = () => page.locator('.notice[role=status]').textContent();

describe('a technician in the browser, at 1280 px', () => {
  it('signs in and sees every tenant on the dashboard', async () => {
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await expect.poll(() => page.locator('tr[data-tenant]').count()).toBe(3);
    expect(await page.locator(`tr[data-tenant="${CONTOSO}"]`).textContent()).toMatch(/10 open conflicts/);
    await screenshot(page, 'dashboard-1280');
  });

  it('runs a sync from the dashboard and reads the result', async () => {
    await page.locator(`tr[data-tenant="${CONTOSO}"]`).getByRole('button', { name: 'Sync' }).click();
    await page.waitForURL(`${base}/`);
    expect(await notice()).toMatch(/^Contoso Ltd: ok; .*unchanged \d+/);
    await screenshot(page, 'sync-1280');
  });

  it('resolves a conflict with one click', async () => {
    await page.getByRole('link', { name: 'Conflicts', exact: true }).click();
    const card = page.locator('section[data-conflict]').first();
    const who = await card.getAttribute('data-conflict');
    await screenshot(page, 'conflicts-1280');
    await card.getByRole('button', { name: 'Link to this contact' }).first().click();
    await page.waitForURL(`${base}/conflicts`);
    expect(await notice()).toMatch(
      new RegExp(`^Resolved: ${who!.replace(/\./g, '\\.')} → linked to (IT Glue|BMS) contact \\d+`),
    );
    expect(await page.locator(`section[data-conflict="${who}"]`).count()).toBe(0);
  });

  it('disables sync with BMS on a contact', async () => {
    await page.getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByLabel('Find a person').fill('elizabeth.martinez');
    await page.getByRole('button', { name: 'Show' }).click();
    // Listed by name, with the tenant beside it; the name opens the Manage page.
    const row = page.locator('tr[data-user="elizabeth.martinez@contoso.com"]');
    expect(await row.locator('td[data-label="Tenant"]').textContent()).toBe('Contoso Ltd');
    await row.getByRole('link', { name: 'Elizabeth Martinez' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Elizabeth Martinez');
    await page.getByRole('button', { name: 'Disable sync with BMS' }).click();
    expect(await notice()).toBe('Sync disabled for elizabeth.martinez@contoso.com (BMS is left alone).');
    expect(await page.locator('.card .badge').first().textContent()).toBe('disabled with BMS');
    await page.getByRole('button', { name: 'Enable sync' }).click();
    expect(await notice()).toBe('Sync enabled for elizabeth.martinez@contoso.com.');
  });

  it('presses Sync now and reads each step inline, without leaving the page', async () => {
    const before = page.url();
    await page.getByRole('button', { name: 'Sync now' }).click();
    const steps = page.locator('#sync-steps li');
    await expect.poll(() => steps.count(), { timeout: 15_000 }).toBe(5);
    expect(await steps.evaluateAll((items) => items.map((li) => li.getAttribute('data-step')))).toEqual([
      'read',
      'scope',
      'match',
      'plan',
      'apply',
    ]);
    expect(await steps.last().textContent()).toMatch(/^apply IT Glue \w+ \(contact \d+\), BMS \w+ \(contact \d+\)/);
    expect(page.url()).toBe(before);
    // "Last sync" says this Sync now at once, as the page shows it when loaded afresh.
    const shown = await page.locator('#last-sync').textContent();
    await page.reload();
    expect(shown).toBe(await page.locator('#last-sync').textContent());
    await screenshot(page, 'contact-sync-now-1280');
  });

  it('saves settings, and shows a bad value next to its field', async () => {
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: CONTOSO }).click();
    await page.getByLabel('Default phone region').fill('Narnia');
    await page.getByLabel('When a user has no phone').fill('000-000-0000');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const region = page.locator('.field[data-key="phones.defaultRegion"]');
    expect(await region.getAttribute('class')).toContain('invalid');
    expect(await region.locator('.error').textContent()).toMatch(/two-letter ISO 3166 code/);
    expect(await page.getByLabel('When a user has no phone').inputValue()).toBe('000-000-0000');
    await screenshot(page, 'settings-error-1280');
    await page.getByLabel('Default phone region').fill('GB');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await notice()).toMatch(/^Saved the settings of Contoso Ltd \(version \d+\)/);
    const stored = (await web.box.store.latestSettings(
      (await web.box.store.listTenants()).find((t) => t.displayName === CONTOSO)!.id,
    ))!.json;
    expect(stored).toMatchObject({ phones: { defaultRegion: 'GB', blankReplacement: '000-000-0000' } });
  });
});

describe('the same pages on a phone, at 390 px', () => {
  it('fit the screen: every page, from the dashboard to a contact, the queue, alerts, users, mapping and preview', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    const small = await phone.newPage();
    const tenant = (await web.box.store.listTenants()).find((t) => t.displayName === CONTOSO)!;
    const user = (await web.box.store.loadUsers(tenant.id)).find(
      (u) => u.userPrincipalName === 'elizabeth.martinez@contoso.com',
    )!;
    const pages = {
      dashboard: '/',
      tenant: `/tenants/${tenant.id}`,
      conflicts: '/conflicts',
      contacts: '/contacts',
      contact: `/contacts/${tenant.id}/${user.id}`,
      audit: '/audit',
      attention: '/attention',
      alerts: '/alerts',
      users: '/users',
      mapping: `/tenants/${tenant.id}/mapping`,
      preview: `/tenants/${tenant.id}/preview`,
    };
    for (const [name, path] of Object.entries(pages)) {
      await small.goto(`${base}${path}`);
      expect(await small.locator('h1').isVisible(), name).toBe(true);
      expect(await fitsWidth(small), `${name} fits 390 px`).toBe(true);
      expect(await tablesScrolling(small), `${name}: tables as cards`).toEqual([]);
      await screenshot(small, `${name}-390`);
    }
    await small.goto(`${base}${pages.contact}`);
    await small.getByRole('button', { name: 'Sync now' }).tap();
    await expect.poll(() => small.locator('#sync-steps li').count(), { timeout: 15_000 }).toBe(5);
    await phone.close();
  });
});
