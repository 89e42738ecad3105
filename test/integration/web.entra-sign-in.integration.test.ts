import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLine } from '../../src/operations/audit-text.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import type { EntraSignInOptions } from '../../src/web/entra-sign-in.ts';
import { hashPassword } from '../../src/config/passwords.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { started } from '../support/simulators.ts';
import { Browser, PASSWORD, stateOnlyServices, textOf } from '../support/web.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

const PUBLIC_URL = 'http://127.0.0.1:8080';
const REDIRECT_URI = `${PUBLIC_URL}/auth/microsoft/callback`;
const ADMIN_GROUP = 'aaaaaaaa-0000-4000-8000-000000000001';
const VIEWER_GROUP = 'aaaaaaaa-0000-4000-8000-000000000002';
const APP = { clientId: 'web-sign-in-app', clientSecret: 'web sign-in secret' };
const ANN = { oid: 'oid-ann', name: 'Ann Admin', preferredUsername: 'ann@msp.example', groups: [ADMIN_GROUP] };
const VIC = { oid: 'oid-vic', name: 'Vic Viewer', preferredUsername: 'vic@msp.example', groups: ['x', VIEWER_GROUP] };
const SAM = { oid: 'oid-sam', name: 'Sam Stranger', preferredUsername: 'sam@msp.example', groups: ['x'] };

let sims: RunningSimulators;
let database: TestDatabase;
let entra: EntraSignInOptions;
const apps: FastifyInstance[] = [];

async function webApp(extra: { entra?: EntraSignInOptions | null; localLogins?: boolean } = {}) {
  const app = await buildWebApp({
    services: stateOnlyServices(database.store),
    loginAttempts: 1000,
    ...(extra.entra === null ? {} : { entra: extra.entra ?? entra }),
    ...(extra.localLogins === undefined ? {} : { localLogins: extra.localLogins }),
  });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  sims = await started();
  const tenantId = sims.credentials.partnerTenantId;
  sims.login.registerApp({ ...APP, redirectUris: [REDIRECT_URI] });
  for (const user of [ANN, VIC, SAM]) sims.login.signIns.addUser(user);
  entra = {
    entra: { tenantId, ...APP, adminGroupId: ADMIN_GROUP, viewerGroupId: VIEWER_GROUP },
    publicUrl: PUBLIC_URL,
    loginBaseUrl: sims.urls.login,
  };
  database = await openTestDatabase('sqlite');
  await database.store.addUser('local-admin', await hashPassword(PASSWORD), 'admin');
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.dispose();
  await sims?.close();
});

/** Who signs in at the simulator's authorize page, picked through its control route. */
async function signInAs(oid: string): Promise<void> {
  const response = await fetch(`${sims.urls.login}/_sim/sign-in-as`, { method: 'POST', body: JSON.stringify({ oid }) });
  expect(response.status).toBe(200);
}

/** Clicks "Sign in with Microsoft" and lets the simulator's authorize page answer: the callback address it gives. */
async function authorize(browser: Browser, oid: string): Promise<string> {
  await signInAs(oid);
  const start = await browser.get('/auth/microsoft?next=%2Fusers');
  expect(start.statusCode).toBe(302);
  const location = String(start.headers.location);
  expect(location.startsWith(`${sims.urls.login}/`)).toBe(true);
  const asked = new URL(location).searchParams;
  expect(asked.get('code_challenge_method')).toBe('S256');
  expect(asked.get('redirect_uri')).toBe(REDIRECT_URI);
  const answer = await fetch(location, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get('location')!);
  expect(back.origin + back.pathname).toBe(REDIRECT_URI);
  return back.pathname + back.search;
}

const alert = (body: string) => textOf(/<div class="notice bad" role="alert">([\s\S]*?)<\/div>/.exec(body)?.[1] ?? '');

describe('Sign in with Microsoft', () => {
  it('shows the button on the sign-in page only when it is configured', async () => {
    const without = await webApp({ entra: null });
    expect((await new Browser(without).get('/login')).body).not.toContain('Sign in with Microsoft');
    const page = await new Browser(await webApp()).get('/login');
    expect(page.body).toContain('href="/auth/microsoft?next=%2F">Sign in with Microsoft</a>');
    expect(page.body).toContain('name="password"');
  });

  it('refuses to switch local logins off before an admin has signed in with Microsoft', async () => {
    await expect(webApp({ localLogins: false })).rejects.toThrow(
      /web\.localLogins: false is refused: no admin has signed in with Microsoft yet/,
    );
  });

  it('gives a member of the admins group an admin session, audited', async () => {
    const app = await webApp();
    const browser = new Browser(app);
    const callback = await browser.get(await authorize(browser, ANN.oid));
    expect(callback.statusCode).toBe(200);
    expect(textOf(callback.body)).toContain('Signed in with Microsoft as ann@msp.example.');
    expect(callback.body).toContain('<meta http-equiv="refresh" content="0;url=/users" />');
    expect((await browser.get('/users')).statusCode).toBe(200);
    const [entry] = await database.store.listAudit(1);
    expect(entry).toMatchObject({ actor: 'web:microsoft:ann@msp.example', action: 'login' });
    expect(auditLine(entry!, new Map(), BOTH_TARGETS).what).toBe('signed in with Microsoft as Ann Admin (admin)');
    // Microsoft checks the password of such a login: none can be set here to sign in with it locally.
    await browser.get('/users');
    await browser.post(`/users/${encodeURIComponent('microsoft:ann@msp.example')}/password`, {
      password: 'a long new password',
    });
    expect(textOf((await browser.get('/users')).body)).toContain(
      'microsoft:ann@msp.example signs in with Microsoft and has no password here: its password is changed in Microsoft Entra ID.',
    );
    expect((await new Browser(app).login('microsoft:ann@msp.example', 'a long new password')).statusCode).toBe(401);
  });

  it('gives a member of the viewers group a viewer session', async () => {
    const browser = new Browser(await webApp());
    expect((await browser.get(await authorize(browser, VIC.oid))).statusCode).toBe(200);
    expect((await browser.get('/')).statusCode).toBe(200);
    expect((await browser.get('/users')).statusCode).toBe(403);
  });

  it('refuses someone in neither group with a page that says why', async () => {
    const browser = new Browser(await webApp());
    const callback = await browser.get(await authorize(browser, SAM.oid));
    expect(callback.statusCode).toBe(403);
    expect(alert(callback.body)).toBe(
      "You signed in with Microsoft as sam@msp.example, but you are in neither of the Entra groups allowed here. Ask an admin to add you to the viewers' or the admins' group.",
    );
    expect((await browser.get('/')).headers.location).toBe('/login?next=%2F');
  });

  it('refuses a wrong state, another browser and a replayed callback', async () => {
    const app = await webApp();
    const browser = new Browser(app);
    const callback = await authorize(browser, ANN.oid);
    const forged = callback.replace(/state=[^&]+/, 'state=forged');
    const stale = 'This sign-in was not started in this browser, was used already or is out of date.';
    const wrongState = await browser.get(forged);
    expect(wrongState.statusCode).toBe(400);
    expect(alert(wrongState.body)).toContain(stale);
    // The state is bound to the browser that started the sign-in.
    const another = new Browser(app);
    const elsewhere = await another.get(await authorize(browser, ANN.oid));
    expect(elsewhere.statusCode).toBe(400);
    const fresh = await authorize(browser, ANN.oid);
    expect((await browser.get(fresh)).statusCode).toBe(200);
    const replayed = await new Browser(app).get(fresh);
    expect(replayed.statusCode).toBe(400);
    const again = await browser.get(fresh);
    expect(again.statusCode).toBe(400);
    expect(alert(again.body)).toContain(stale);
  });

  it.each([
    ['unpublished-key', 'the id token signature is wrong'],
    ['other-audience', 'the id token was made for another app'],
    ['expired', 'the id token has expired'],
  ] as const)('refuses an id token with a fault: %s', async (fault, why) => {
    const browser = new Browser(await webApp());
    const callback = await authorize(browser, ANN.oid);
    sims.login.signIns.idTokenFault = fault;
    try {
      const answer = await browser.get(callback);
      expect(answer.statusCode).toBe(401);
      expect(alert(answer.body)).toBe(`The answer from Microsoft was refused: ${why}. Start again.`);
      expect(browser.hasSession()).toBe(false);
    } finally {
      sims.login.signIns.idTokenFault = null;
    }
  });

  it('switches local logins off once an admin has signed in with Microsoft', async () => {
    const app = await webApp({ localLogins: false });
    const browser = new Browser(app);
    const page = await browser.get('/login');
    expect(page.body).toContain('Sign in with Microsoft');
    expect(page.body).not.toContain('name="password"');
    const local = await browser.post('/login', { username: 'local-admin', password: PASSWORD, next: '/' });
    expect(local.statusCode).toBe(403);
    expect(alert(local.body)).toBe('Local logins are switched off here: sign in with Microsoft.');
    expect(browser.hasSession()).toBe(false);
    expect((await browser.get(await authorize(browser, ANN.oid))).statusCode).toBe(200);
    expect((await browser.get('/users')).statusCode).toBe(200);
  });
});

describe("the login simulator's authorization code flow", () => {
  const verifier = 'a-verifier-that-is-long-enough-0123456789abcdefghijklmnop';
  const code = async (): Promise<string> => {
    await signInAs(VIC.oid);
    const query = new URLSearchParams({
      client_id: APP.clientId,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid profile',
      state: 's',
      nonce: 'n',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const answer = await fetch(
      `${sims.urls.login}/${sims.credentials.partnerTenantId}/oauth2/v2.0/authorize?${query}`,
      {
        redirect: 'manual',
      },
    );
    return new URL(answer.headers.get('location')!).searchParams.get('code')!;
  };
  const redeem = async (given: string, codeVerifier: string) => {
    const response = await fetch(`${sims.urls.login}/${sims.credentials.partnerTenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile',
        code: given,
        code_verifier: codeVerifier,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('refuses a wrong PKCE verifier and a code redeemed twice', async () => {
    const issued = await code();
    const wrong = await redeem(issued, `${verifier}x`);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    const right = await redeem(issued, verifier);
    expect(right.status).toBe(200);
    expect(typeof right.body.id_token).toBe('string');
    const twice = await redeem(issued, verifier);
    expect(twice.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });
});
