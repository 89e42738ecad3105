import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type WebHarness } from '../support/web.ts';
import { fitsWidth, launchChromium, listeningHarness, screenshot } from './browser.ts';

/**
 * The web UI over plain HTTP on a LAN: reached by a host name that is not loopback (Chromium resolves
 * contactsync.lan to this machine), as a technician reaches `serve --host 0.0.0.0` from another desk.
 */
let web: WebHarness;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const served = await listeningHarness();
  web = served.web;
  base = `http://contactsync.lan:${served.port}`;
  browser = await launchChromium(['--host-resolver-rules=MAP contactsync.lan 127.0.0.1']);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** Every request the page makes, and those that failed. */
function watch(page: Page): { requested: string[]; failed: string[] } {
  const seen = { requested: [] as string[], failed: [] as string[] };
  page.on('request', (request) => seen.requested.push(request.url()));
  page.on('requestfailed', (request) => seen.failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  return seen;
}

describe('the web UI over http:// on a LAN host name', () => {
  for (const width of [1280, 390]) {
    it(`loads its stylesheet and script and signs in, at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const seen = watch(page);
      await page.goto(`${base}/`);
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.evaluate('document.styleSheets[0]?.cssRules.length ?? 0')).toBeGreaterThan(10);
      expect(await page.evaluate('typeof window.htmx')).toBe('object');
      expect(await fitsWidth(page)).toBe(true);
      await screenshot(page, `login-lan-${width}`);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/`);
      await expect.poll(() => page.locator('tr[data-tenant]').count()).toBe(3);
      expect(seen.failed).toEqual([]);
      expect(seen.requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
      await context.close();
    });
  }
});
