import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startWebHarness, type WebHarness } from '../support/web.ts';
import { join } from 'node:path';
import { fitsWidth, launchChromium, screenshot, SCREENSHOTS, signedInPage } from './browser.ts';

let web: WebHarness;
let browser: Browser;
let base: string;
let runPath = '';
let fabrikamPath = '';

beforeAll(async () => {
  web = await startWebHarness();
  const tenants = await web.box.store.listTenants();
  const contoso = tenants.find((t) => t.displayName === 'Contoso Ltd')!;
  const fabrikam = tenants.find((t) => t.displayName === 'Fabrikam GmbH')!;
  runPath = `/runs/${(await web.box.store.listRuns(contoso.id, 25)).find((r) => r.status !== 'unchanged')!.id}`;
  // A deletion-guard halt, so that the tenant page has rows waiting for approval.
  for (const user of web.box.sims.graph.users(fabrikam.id).slice(0, 30))
    web.box.sims.graph.deleteUser(fabrikam.id, user.id);
  await web.box.syncAll({ force: true });
  fabrikamPath = `/tenants/${fabrikam.id}`;
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

const signedIn = (width: 1280 | 390) => signedInPage(browser, base, width, 'admin', PASSWORD);

/** The IT Glue and BMS cells whose one-word value the browser broke over more than one line. */
async function brokenWords(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('table.results td[data-label="IT Glue"], table.results td[data-label="BMS"]')]
    .filter((td) => !/\\s/.test(td.textContent.trim()))
    .filter((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1;
    })
    .map((td) => td.textContent.trim())`)) as string[];
}

describe('the run page and the approval rows in Chromium', () => {
  it('at 1280 px: no outcome word is broken, and a sign-in name of up to 40 characters takes at most two lines', async () => {
    const page = await signedIn(1280);
    await page.goto(`${base}${runPath}?all=1`);
    await page.locator('table.results').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'run-1280-view.png') });
    expect(await brokenWords(page)).toEqual([]);
    // An address of up to 40 characters (a guest's #EXT# name may be longer) takes at most two lines.
    const tall = (await page.evaluate(`[...document.querySelectorAll('table.results td.person .muted')]
      .filter((s) => s.textContent.length <= 40)
      .filter((s) => { const r = document.createRange(); r.selectNodeContents(s);
        return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 2; })
      .map((s) => s.textContent + ' ' + s.closest('td').getBoundingClientRect().width)`)) as string[];
    expect(tall).toEqual([]);
    await screenshot(page, 'run-1280');
    await page.goto(`${base}${fabrikamPath}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'approval-1280-view.png') });
    expect(await brokenWords(page)).toEqual([]);
    expect(await page.locator('#approval').textContent()).toContain('inactivate on approval');
    await screenshot(page, 'approval-1280');
    await page.goto(`${base}/attention?kind=held`);
    await page.locator('table.attention').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'held-1280-view.png') });
    expect(await page.locator('table.attention th').allTextContents()).toContain('Held since');
  });

  it('at 390 px: the run page and the tenant page do not scroll sideways', async () => {
    const page = await signedIn(390);
    await page.goto(`${base}${runPath}?all=1`);
    await page.locator('table.results').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'run-390-view.png') });
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'run-390');
    await page.goto(`${base}${fabrikamPath}`);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'approval-390');
    await page.goto(`${base}/attention?kind=held`);
    await page.locator('table.attention tbody tr').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'held-390-view.png') });
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'held-390');
  });
});
