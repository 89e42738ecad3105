import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSeed, cwContact } from '../support/connectwise-cases.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { PASSWORD } from '../support/web.ts';
import { webSandbox, type WebSandbox } from '../support/web-sandbox.ts';
import { fitsWidth, launchChromium, screenshot, signedInPage, tablesScrolling } from './browser.ts';

/**
 * A person in ConnectWise alone, in Chromium at a desk's and a phone's width: the Manage page (both phones on their
 * rows, the link into ConnectWise) and the answer of Sync now fit the screen.
 */

let web: WebSandbox;
let browser: Browser;
let base: string;

beforeAll(async () => {
  web = await webSandbox(
    caseSeed({
      install: 'alone',
      users: [
        user('ann', {
          givenName: 'Ann',
          surname: 'Lee-Fairweather',
          displayName: 'Ann Lee-Fairweather',
          jobTitle: 'Head of Customer Operations and Onboarding',
          mobilePhone: '+1 206 555 0177',
          officeLocation: 'Annex',
        }),
      ],
      contacts: [
        cwContact(500, 'Ann', 'Lee-Fairweather', {
          emails: ['ann.lee-fairweather.old-address@customer-operations.example', 'ann@contoso.com'],
          phone: '+1 206 555 0100',
        }),
      ],
    }),
    { connectwise: { site: 'na.myconnectwise.net', codebase: 'v4_6_release/' } },
  );
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(web.app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

describe('a ConnectWise person’s page in Chromium', () => {
  for (const width of [1280, 390] as const) {
    it(`fits ${width} px with both phones, the link into ConnectWise and Sync now’s steps`, async () => {
      const page = await signedInPage(browser, base, width, 'admin', PASSWORD);
      await page.goto(`${base}/contacts/${TENANT_A}/ann`);
      expect(await page.locator('tr[data-field="Mobile phone"]').textContent()).toContain('+1 206 555 0177');
      expect(await page.locator('a[href*="openrecord.rails"]').count()).toBeGreaterThan(0);
      expect(await fitsWidth(page)).toBe(true);
      expect(await tablesScrolling(page)).toEqual([]);
      await screenshot(page, `connectwise-person-${width}`);
      await page.getByRole('button', { name: 'Sync now' }).first().click();
      await page.locator('[data-step="apply"]').first().waitFor();
      expect(await fitsWidth(page)).toBe(true);
      await screenshot(page, `connectwise-sync-now-${width}`);
      await page.context().close();
    });
  }
});
