import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebHarness, type WebHarness } from '../support/web.ts';

export const CHROMIUM = process.env.CONTACTSYNC_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

/** Debian's Chromium, headless, kept off the network; a clear failure when it is not installed. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}: install it with "apt-get update && apt-get install -y chromium" (or set CONTACTSYNC_CHROMIUM to its path).`,
    );
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Whether the page fits its viewport's width (nothing scrolls sideways but the tables meant to). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')) === true;
}

/**
 * The tables that would still scroll sideways, by the heading above them: none at a phone's width, where every table
 * reads as cards and a long address or reason wraps instead of running off the card.
 */
export async function tablesScrolling(page: Page): Promise<string[]> {
  return (await page.evaluate(`[...document.querySelectorAll('.table-wrap')]
    .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
    .map((wrap) => {
      let at = wrap;
      while (at && !/^H[1-3]$/.test(at.tagName)) at = at.previousElementSibling ?? at.parentElement;
      return at ? at.textContent.trim() : 'a table';
    })`)) as string[];
}

/** The web harness (the demo synced, logins admin and viewer) listening on a free port of 127.0.0.1. */
export async function listeningHarness(): Promise<{ web: WebHarness; port: number }> {
  const web = await startWebHarness();
  await web.app.listen({ host: '127.0.0.1', port: 0 });
  return { web, port: (web.app.server.address() as AddressInfo).port };
}

/** A new page of a signed-in user, at a phone's width (390 px) or a desk's (1280 px). */
export async function signedInPage(
  browser: Browser,
  base: string,
  width: 1280 | 390,
  user = 'admin',
  password = 'correct horse battery',
): Promise<Page> {
  const context = await browser.newContext(
    width === 390
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 900 } },
  );
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}
