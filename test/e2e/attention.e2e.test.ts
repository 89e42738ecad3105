import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startWebHarness, type WebHarness } from '../support/web.ts';
import { fitsWidth, launchChromium, screenshot, signedInPage } from './browser.ts';

let web: WebHarness;
let browser: Browser;
let base: string;
const CONTOSO = 'Contoso Ltd';

beforeAll(async () => {
  web = await startWebHarness();
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** A signed-in admin's page at a phone's width or a desk's. */
async function signedIn(width: 1280 | 390): Promise<{ context: BrowserContext; page: Page }> {
  const page = await signedInPage(browser, base, width, 'admin', PASSWORD);
  return { context: page.context(), page };
}

const notice = (page: Page) => page.locator('.notice[role=status]').textContent();

describe('the Needs attention page and the Manage page in Chromium', () => {
  it('at 1280 px: every kind grouped by customer, filtered to one, and two disputes left out at once', async () => {
    const { context, page } = await signedIn(1280);
    await page
      .getByRole('link', { name: /Needs attention/ })
      .first()
      .click();
    await page.waitForURL(`${base}/attention`);
    expect(await page.locator('h2').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Conflicts to decide/), expect.stringMatching(/^Held from BMS/)]),
    );
    // Disputes of more than one customer, each customer under its own heading.
    const customers = await page
      .locator('#conflict .attention-group')
      .evaluateAll((groups) => groups.map((g) => g.getAttribute('data-tenant')));
    expect(customers.length).toBeGreaterThan(1);
    expect(new Set(customers).size).toBe(customers.length);
    await screenshot(page, 'attention-1280');

    await page.getByLabel('Customer').selectOption({ label: CONTOSO });
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/attention\?tenant=/);
    expect(
      await page.locator('.attention-group').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-tenant'))),
    ).toEqual(expect.arrayContaining([CONTOSO]));
    expect(
      new Set(
        await page
          .locator('.attention-group')
          .evaluateAll((groups) => groups.map((g) => g.getAttribute('data-tenant'))),
      ),
    ).toEqual(new Set([CONTOSO]));

    const disputes = page.locator(`#conflict .attention-group[data-tenant="${CONTOSO}"]`);
    const before = await disputes.locator('tr[data-item]').count();
    expect(before).toBeGreaterThan(2);
    const rows = disputes.locator('tr[data-item]');
    const chosen = [await rows.nth(0).getAttribute('data-item'), await rows.nth(1).getAttribute('data-item')];
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await disputes.getByRole('button', { name: 'Leave out: selected' }).click();
    await page.waitForURL(/\/attention\?tenant=/);
    expect(await notice(page)).toMatch(/2/);
    await expect.poll(() => disputes.locator('tr[data-item]').count()).toBe(before - 2);
    // The two chosen, and only they, are gone from the queue.
    for (const item of chosen) expect(await page.locator(`tr[data-item="${item}"]`).count()).toBe(0);
    await context.close();
  });

  it('at 390 px: the queue and the Manage page fit the screen, rows read as cards, differences marked', async () => {
    const { context, page } = await signedIn(390);
    await page.goto(`${base}/attention`);
    expect(await fitsWidth(page), 'Needs attention fits 390 px').toBe(true);
    // A row is a card: each cell says what it is, and the decisions stay within reach.
    const row = page.locator('#held tr[data-item]').first();
    expect(await row.locator('td[data-label="Why"]').isVisible()).toBe(true);
    const box = await row.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    const bulk = page.locator('#held .actions.bulk button').first();
    await bulk.scrollIntoViewIfNeeded();
    expect(await bulk.isVisible()).toBe(true);
    await screenshot(page, 'attention-390');

    // Someone retyped a synced person's title in IT Glue by hand: the Manage page marks that row, and only it.
    const tenant = (await web.box.store.listTenants()).find((t) => t.displayName === CONTOSO)!;
    const user = (await web.box.store.loadUsers(tenant.id)).find(
      (u) => u.userPrincipalName === 'elizabeth.martinez@contoso.com',
    )!;
    const link = (await web.box.store.getLink(tenant.id, user.id))!;
    web.box.sims.itglue.editContact(link.docContactId, { title: 'Retyped by hand' });
    await page.goto(`${base}/contacts/${tenant.id}/${user.id}`);
    expect(await fitsWidth(page), 'Manage fits 390 px').toBe(true);
    const differs = page.locator('table.compare tr.differs');
    expect(await differs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual(['Title']);
    expect(await differs.locator('.badge').textContent()).toBe('differs');
    expect(await differs.locator('td[data-label="IT Glue"]').textContent()).toBe('Retyped by hand');
    await screenshot(page, 'manage-390');
    await context.close();
  });
});
