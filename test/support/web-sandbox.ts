import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { hashPassword, newToken, tokenDigest } from '../../src/config/passwords.ts';
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

/** One installation with links into the PSA's web app and the same without them, and an admin API token. */
export interface LinkedAndBare {
  /** the installation whose config gives the links (`webSandbox` with the blocks) */
  readonly linked: WebSandbox;
  /** the same state and sync served without the blocks: each target's advice on how to have the links */
  readonly bare: FastifyInstance;
  /** the admin `admin`, signed in to the bare one */
  readonly plain: Browser;
  /** a REST call with the admin token */
  api(app: FastifyInstance, method: 'GET' | 'PUT', url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function linkedAndBare(seed: Seed, blocks: Readonly<Record<string, unknown>>): Promise<LinkedAndBare> {
  const linked = await webSandbox(seed, blocks);
  const token = newToken('cs_');
  await linked.box.store.addApiToken({
    id: 'tadmin',
    name: 'automation',
    tokenHash: tokenDigest(token),
    role: 'admin',
    createdBy: 'test',
  });
  const bare = await buildWebApp({ services: linked.box.webServices() });
  const plain = new Browser(bare);
  await plain.login('admin');
  return {
    linked,
    bare,
    plain,
    api: (app, method, url, payload) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      }),
    async close() {
      await bare.close();
      await linked.close();
    },
  };
}
