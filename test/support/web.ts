import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { AlertService } from '../../src/alerts/alert-service.ts';
import { secretBox } from '../../src/config/secret-box.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import pino from 'pino';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { Access, WebServices } from '../../src/web/web-context.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { hashPassword, newToken, tokenDigest } from '../../src/config/passwords.ts';
import { buildWebApp } from '../../src/web/web-app.ts';

export const PASSWORD = 'correct horse battery';

/** What the web app needs for signing in and reading the state alone: no API, nothing to discover, no channels. */
export function stateOnlyServices(store: StateStore): WebServices {
  return {
    store,
    targets: { doc: itglueProfile, psa: bmsProfile },
    alerts: new AlertService({
      store,
      targets: { doc: itglueProfile, psa: bmsProfile },
      box: secretBox(() => randomBytes(32)),
      baseUrl: () => 'http://127.0.0.1',
    }),
    apis: () => {
      throw new Error('This test reaches no API.');
    },
    discover: async () => '',
  };
}

export interface WebHarness {
  readonly box: Sandbox;
  readonly app: FastifyInstance;
  readonly routes: readonly { method: string; url: string; access: Access }[];
  /** an API token per role */
  readonly tokens: { readonly admin: string; readonly viewer: string };
  close(): Promise<void>;
}

/** The sandbox (demo seed, synced once), logins `admin` and `viewer`, an API token of each role, and the web app. */
export async function startWebHarness(
  options: {
    loginAttempts?: number;
    queue?: WebServices['queue'];
    liveReadLimits?: WebServices['liveReadLimits'];
  } = {},
): Promise<WebHarness> {
  const box = await startSandbox({
    seed: parseSeed(JSON.parse(JSON.stringify(demoSeed()))),
    logger: pino({ level: 'silent' }),
  });
  await box.syncAll({ force: true });
  await box.store.addUser('admin', await hashPassword(PASSWORD), 'admin');
  await box.store.addUser('viewer', await hashPassword(PASSWORD), 'viewer');
  const tokens = { admin: newToken('cs_'), viewer: newToken('cs_') };
  await box.store.addApiToken({
    id: 'tadmin',
    name: 'automation',
    tokenHash: tokenDigest(tokens.admin),
    role: 'admin',
    createdBy: 'test',
  });
  await box.store.addApiToken({
    id: 'tviewer',
    name: 'dashboard',
    tokenHash: tokenDigest(tokens.viewer),
    role: 'viewer',
    createdBy: 'test',
  });
  const routes: { method: string; url: string; access: Access }[] = [];
  const app = await buildWebApp({
    services: {
      ...box.webServices(),
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      ...(options.liveReadLimits === undefined ? {} : { liveReadLimits: options.liveReadLimits }),
    },
    onRoute: (route) => routes.push(route),
    ...(options.loginAttempts === undefined ? {} : { loginAttempts: options.loginAttempts }),
  });
  await app.ready();
  return {
    box,
    app,
    routes,
    tokens,
    async close() {
      await app.close();
      await box.close();
    },
  };
}

/** A browser's view of the app: cookies kept between requests, and the CSRF token of the last page seen. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly app: FastifyInstance) {}

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (
        cookie.value === '' ||
        cookie.maxAge === 0 ||
        (cookie.expires !== undefined && cookie.expires.getTime() < Date.now())
      )
        this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token !== undefined) this.csrf = token;
    return response;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } }));
  }

  /** Posts a form as the page would (a field given a list is sent once per value), with the CSRF token unless `csrf: false`. */
  async post(
    url: string,
    form: Record<string, string | readonly string[]> = {},
    options: { csrf?: boolean; method?: 'POST' | 'PUT' } = {},
  ): Promise<LightMyRequestResponse> {
    const fields = options.csrf === false ? form : { _csrf: this.csrf, ...form };
    const payload = new URLSearchParams();
    for (const [name, value] of Object.entries(fields))
      for (const one of typeof value === 'string' ? [value] : value) payload.append(name, one);
    return this.remember(
      await this.app.inject({
        method: options.method ?? 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: payload.toString(),
      }),
    );
  }

  /** A request as htmx sends it: the CSRF token in a header. */
  async htmx(method: 'POST' | 'PUT', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method,
        url,
        headers: {
          cookie: this.cookieHeader(),
          'x-csrf-token': this.csrf,
          'hx-request': 'true',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      }),
    );
  }

  async login(username: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { username, password, next: '/' });
  }

  hasSession(): boolean {
    return this.cookies.has('contactsync_session');
  }
}

/** A URL of a route pattern with every `:param` filled. */
export function concrete(url: string): string {
  return url.replace(/:(\w+)/g, 'x-$1');
}

/** The text of a page, tags removed, spaces collapsed: what a person reads. */
export function textOf(body: string): string {
  return body
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
