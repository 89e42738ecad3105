import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { hashPassword } from '../../src/config/passwords.ts';
import { webAppsOf } from '../../src/operations/deep-links.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { Browser, PASSWORD } from './web.ts';

/** A seed synced once by the sandbox, and its web UI with the admin `admin` signed in. */
export interface WebSandbox {
  readonly box: Sandbox;
  readonly app: FastifyInstance;
  readonly admin: Browser;
  close(): Promise<void>;
}

/**
 * Syncs the seed once and serves its web UI; `blocks` are the targets' config blocks its links into the targets' web
 * apps come from (none: each target's advice on how to have them).
 */
export async function webSandbox(seed: Seed, blocks: Readonly<Record<string, unknown>> = {}): Promise<WebSandbox> {
  const box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
  await box.syncAll({ force: true });
  await box.store.addUser('admin', await hashPassword(PASSWORD), 'admin');
  const app = await buildWebApp({
    services: {
      ...box.webServices(),
      ...(Object.keys(blocks).length === 0 ? {} : { links: webAppsOf(box.targets, blocks) }),
    },
  });
  const admin = new Browser(app);
  await admin.login('admin');
  return {
    box,
    app,
    admin,
    async close() {
      await app.close();
      await box.close();
    },
  };
}
