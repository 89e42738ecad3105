import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWebApp } from '../../src/web/web-app.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;
beforeAll(async () => {
  web = await startWebHarness();
});
afterAll(async () => {
  await web.close();
});

it('the dashboard shows which tenants are pushed and which poll, and why', async () => {
  const tenants = (await web.box.store.listTenants()).filter((t) => t.mapping !== 'unmapped');
  const [pushed, polled] = tenants;
  const app = await buildWebApp({
    services: {
      ...web.box.webServices(),
      deliveryModes: async () =>
        new Map([
          [pushed!.id, { mode: 'push' as const, why: 'Graph notifies changes; subscription renewed until 2026-12-20' }],
          [polled!.id, { mode: 'poll' as const, why: 'Graph refused the subscription (validation timed out)' }],
        ]),
    },
  });
  try {
    const browser = new Browser(app);
    await browser.login('viewer');
    const page = textOf((await browser.get('/')).body);
    expect(page).toContain(`${pushed!.displayName}`);
    expect(page).toMatch(new RegExp(`${pushed!.displayName}.*push Graph notifies changes`));
    expect(page).toMatch(new RegExp(`${polled!.displayName}.*poll Graph refused the subscription`));
  } finally {
    await app.close();
  }
});
