import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type WebHarness } from '../support/web.ts';
import { fitsWidth, launchChromium, listeningHarness, screenshot } from './browser.ts';

let web: WebHarness;
let browser: Browser;
let base: string;

beforeAll(async () => {
  const served = await listeningHarness();
  web = served.web;
  base = `http://127.0.0.1:${served.port}`;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

describe('an admin manages the logins on the Users page', () => {
  for (const width of [1280, 390]) {
    it(`adds a login, makes it an admin and removes it, at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await page.getByLabel('User name').fill('admin');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${base}/`);
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.waitForURL(`${base}/users`);
      const name = `tech-${width}`;
      await page.locator('#new-username').fill(name);
      await page.locator('#new-password').fill('a long enough password');
      await page.getByRole('button', { name: 'Add login' }).click();
      await page.waitForURL(`${base}/users`);
      expect(await page.locator('.notice[role=status]').textContent()).toBe(`Added ${name} (viewer).`);
      const card = page.locator(`section[data-user="${name}"]`);
      await card.getByLabel('Role').selectOption('admin');
      await card.getByRole('button', { name: 'Change role' }).click();
      expect(await page.locator('.notice[role=status]').textContent()).toBe(
        `${name} is now an admin; their sessions have ended.`,
      );
      expect(await fitsWidth(page)).toBe(true);
      await screenshot(page, `users-${width}`);
      await page.locator(`section[data-user="${name}"] summary`).click();
      await page.getByRole('button', { name: `Remove ${name}` }).click();
      expect(await page.locator('.notice[role=status]').textContent()).toBe(
        `Removed ${name}; their sessions have ended.`,
      );
      expect(await page.locator(`section[data-user="${name}"]`).count()).toBe(0);
      await context.close();
    });
  }
});
