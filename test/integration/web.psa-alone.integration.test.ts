import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { hashPassword } from '../../src/config/passwords.ts';
import { Browser, PASSWORD, textOf } from '../support/web.ts';

/** The demo's customers with a PSA alone (the seed has no documentation platform), synced once, seen in the web UI. */
let box: Sandbox;
let app: FastifyInstance;
let admin: Browser;
let contoso = '';

describe('a PSA alone, synced by the sandbox', () => {
  beforeAll(async () => {
    const { itglue: _left, ...seed } = JSON.parse(JSON.stringify(demoSeed())) as Record<string, unknown>;
    box = await startSandbox({ seed: parseSeed(seed), logger: pino({ level: 'silent' }) });
    await box.syncAll({ force: true });
    await box.store.addUser('admin', await hashPassword(PASSWORD), 'admin');
    app = await buildWebApp({ services: box.webServices() });
    admin = new Browser(app);
    await admin.login('admin');
    contoso = (await box.store.listTenants()).find((t) => t.displayName === 'Contoso Ltd')!.id;
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await box?.close();
  });

  it('every page a technician opens answers, and none names IT Glue', async () => {
    const linked = (await box.store.listLinks(contoso)).find((l) => l.psaContactId !== null)!.userId;
    for (const path of [
      '/',
      `/tenants/${contoso}`,
      `/tenants/${contoso}/mapping`,
      `/contacts/${contoso}/${linked}`,
      '/contacts',
      '/attention',
      '/conflicts',
    ]) {
      const page = await admin.get(path);
      expect(page.statusCode, path).toBe(200);
      expect(textOf(page.body), path).not.toContain('IT Glue');
    }
    expect(textOf((await admin.get(`/contacts/${contoso}/${linked}`)).body)).toContain('BMS contact');
    // REST says the person has no documentation contact, rather than an empty id.
    const rest = await admin.get(`/api/contacts/${contoso}/${linked}`);
    expect(rest.statusCode).toBe(200);
    expect(JSON.parse(rest.body).link).toMatchObject({ docContactId: null, psaContactId: expect.any(Number) });
  });
});
