import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp } from '../../src/web/web-app.ts';
import { Browser, concrete, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;

beforeAll(async () => {
  web = await startWebHarness({ loginAttempts: 3 });
}, 120_000);
afterAll(async () => {
  await web.close();
});

const changes = (method: string) => method !== 'GET';
const auditCount = async () => (await web.box.store.listAudit(100_000)).length;

describe('every route asks who is calling', () => {
  it('has the pages and API routes the UI offers', () => {
    const urls = web.routes.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /tenants/:id',
        'POST /tenants/:id/settings',
        'GET /conflicts',
        'POST /conflicts/:id/resolve',
        'GET /contacts/:tenantId/:userId',
        'POST /contacts/:tenantId/:userId/sync-now',
        'GET /audit',
        'GET /api/openapi.json',
        'PUT /api/tenants/:id/settings',
      ]),
    );
    expect(
      web.routes
        .filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual([
      'GET /api/openapi.json',
      'GET /assets/app.css',
      'GET /assets/htmx.min.js',
      'GET /healthz',
      'GET /login',
      'GET /readyz',
      'POST /graph/lifecycle',
      'POST /graph/notifications',
      'POST /login',
    ]);
  });

  it('sends a signed-out browser to the sign-in page, and refuses every other request without a session or token', async () => {
    const guarded = web.routes.filter((r) => r.access !== 'public');
    const seen: string[] = [];
    const expected: string[] = [];
    for (const route of guarded) {
      const url = concrete(route.url);
      const response = await web.app.inject({ method: route.method as 'GET', url });
      const api = url.startsWith('/api/') || url === '/metrics';
      seen.push(
        `${route.method} ${url} → ${response.statusCode} ${api ? response.json().error.message.includes('Bearer') : (response.headers.location ?? '')}`,
      );
      expected.push(
        `${route.method} ${url} → ${api ? '401 true' : route.method === 'GET' ? `303 /login?next=${encodeURIComponent(url)}` : '401 '}`,
      );
    }
    expect(seen).toEqual(expected);
  });

  it('refuses an unknown API token', async () => {
    const response = await web.app.inject({
      method: 'GET',
      url: '/api/tenants',
      headers: { authorization: 'Bearer cs_not-a-token' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('refuses viewers every admin route, pages and API alike, and changes nothing', async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    await viewer.get('/');
    const before = await auditCount();
    const admin = web.routes.filter((r) => r.access === 'admin');
    expect(admin.length).toBeGreaterThan(15);
    for (const route of admin) {
      const url = concrete(route.url);
      const page =
        route.method === 'GET'
          ? await viewer.get(url)
          : await viewer.post(url, {}, { method: route.method as 'POST' | 'PUT' });
      expect(page.statusCode, `viewer session ${route.method} ${url}`).toBe(403);
    }
    for (const route of admin.filter((r) => r.url.startsWith('/api/'))) {
      const url = concrete(route.url);
      const api = await web.app.inject({
        method: route.method as 'GET',
        url,
        headers: { authorization: `Bearer ${web.tokens.viewer}` },
        ...(changes(route.method) ? { payload: {} } : {}),
      });
      expect(api.statusCode, `viewer token ${route.method} ${url}`).toBe(403);
      expect(api.json().error.message).toMatch(/admin role/);
    }
    expect(await auditCount()).toBe(before);
  });

  it("refuses a state-changing request of a signed-in admin without its CSRF token, or with another session's", async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/');
    const other = new Browser(web.app);
    await other.login('admin');
    await other.get('/');
    const before = await auditCount();
    for (const route of web.routes.filter((r) => r.access !== 'public' && changes(r.method))) {
      const url = concrete(route.url);
      const method = route.method as 'POST' | 'PUT';
      const missing = await admin.post(url, {}, { csrf: false, method });
      expect(missing.statusCode, `${route.method} ${url} without a token`).toBe(403);
      const foreign = await admin.post(url, { _csrf: other.csrf }, { csrf: false, method });
      expect(foreign.statusCode, `${route.method} ${url} with another session's token`).toBe(403);
      expect(url.startsWith('/api/') ? missing.json().error.code : textOf(missing.body)).toMatch(
        /Forbidden|security token is missing or out of date/,
      );
    }
    expect(await auditCount()).toBe(before);
  });

  it('answers 404 to an address that is no route, for a viewer as for an admin, page and API alike', async () => {
    for (const role of ['viewer', 'admin'] as const) {
      const browser = new Browser(web.app);
      await browser.login(role);
      for (const url of ['/runs', '/settings/nothing-here', '/api/nothing-here']) {
        const page = await browser.get(url);
        expect(page.statusCode, `${role} ${url}`).toBe(404);
      }
      const posted = await browser.post('/runs');
      expect(posted.statusCode, `${role} POST /runs`).toBe(404);
      const api = await web.app.inject({
        url: '/api/nothing',
        headers: { authorization: `Bearer ${web.tokens[role]}` },
      });
      expect(api.statusCode, `${role} token /api/nothing`).toBe(404);
      expect(api.json().error.code).toBe('NotFound');
    }
    // Signed out, an unknown address asks for a sign-in as any page does: strangers learn nothing of the routes.
    expect((await web.app.inject({ url: '/runs' })).statusCode).toBe(303);
    expect((await web.app.inject({ url: '/api/nothing' })).statusCode).toBe(401);
  });

  it('lets a viewer read every page', async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    const tenant = (await web.box.store.listTenants())[0]!;
    const user = (await web.box.store.loadUsers(tenant.id))[0]!;
    const run = (await web.box.store.listRuns(tenant.id, 1))[0]!;
    for (const url of [
      '/',
      `/tenants/${tenant.id}`,
      `/tenants/${tenant.id}/preview`,
      '/conflicts',
      '/contacts',
      `/contacts/${tenant.id}/${user.id}`,
      `/runs/${run.id}`,
      '/audit',
    ]) {
      const page = await viewer.get(url);
      expect(page.statusCode, url).toBe(200);
      // A viewer's only form is Sign out.
      expect(
        [...page.body.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]),
        url,
      ).toEqual(['/logout']);
    }
  });
});

describe('signing in', () => {
  it('signs in with the right password into an HttpOnly, SameSite=Strict session, and out again', async () => {
    const browser = new Browser(web.app);
    const login = await browser.login('admin');
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/contactsync_session=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await browser.get('/')).statusCode).toBe(200);
    await browser.get('/');
    expect((await browser.post('/logout')).headers.location).toBe('/login');
    expect((await browser.get('/')).statusCode).toBe(303);
  });

  it('says a wrong password is wrong, and after 3 tries refuses for a while', async () => {
    const browser = new Browser(web.app);
    for (let i = 0; i < 3; i++) {
      const wrong = await browser.login('viewer', 'not the password');
      expect(wrong.statusCode).toBe(401);
      expect(textOf(wrong.body)).toContain('The user name or the password is wrong.');
    }
    const blocked = await browser.login('viewer');
    expect(blocked.statusCode).toBe(429);
    expect(textOf(blocked.body)).toMatch(/Too many sign-in attempts. Try again in \d+ minutes?/);
    expect(browser.hasSession()).toBe(false);
    const failures = (await web.box.store.listAudit(1000)).filter(
      (e) => e.action === 'login.failed' && e.target === 'viewer',
    );
    expect(failures.length).toBe(3);
  });

  it('refuses a sign-in form posted from elsewhere (no CSRF token)', async () => {
    const browser = new Browser(web.app);
    await browser.get('/login');
    const response = await browser.post(
      '/login',
      { username: 'admin', password: 'correct horse battery' },
      { csrf: false },
    );
    expect(response.statusCode).toBe(403);
    expect(browser.hasSession()).toBe(false);
  });

  // Each as the address bar or a link would send it (the query string raw), and what the query decodes to.
  const offSite = [
    '/%5Cevil.example/x',
    '/%5cevil.example',
    '/%09/evil.example/x',
    '/%5C%09evil.example',
    '//evil.example/',
    '/\\evil.example/',
    '%2F%2Fevil.example',
    '/%2F/evil.example',
    '/%252F%252Fevil.example',
    'https://evil.example/',
    'https%3A%2F%2Fevil.example%2F',
    'javascript:alert(1)',
  ];

  it.each(offSite)('keeps the redirect of /login?next=%s on this site, signed in or signing in', async (raw) => {
    const browser = new Browser(web.app);
    await browser.login('admin');
    const signedIn = await browser.get(`/login?next=${raw}`);
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/');
    const fresh = new Browser(web.app);
    const form = await fresh.get(`/login?next=${raw}`);
    expect(form.body).toContain('name="next" value="/"');
    const decoded = new URLSearchParams(`next=${raw}`).get('next')!;
    const signingIn = await fresh.post('/login', {
      username: 'admin',
      password: 'correct horse battery',
      next: decoded,
    });
    expect(signingIn.statusCode).toBe(303);
    expect(signingIn.headers.location).toBe('/');
  });

  it('still goes back to the page that asked for a sign-in', async () => {
    const browser = new Browser(web.app);
    const asked = await browser.get('/audit?limit=20');
    expect(asked.headers.location).toBe('/login?next=%2Faudit%3Flimit%3D20');
    const form = await browser.get(asked.headers.location as string);
    const next = /name="next" value="([^"]*)"/.exec(form.body)![1]!.replace(/&amp;/g, '&');
    const response = await browser.post('/login', { username: 'admin', password: 'correct horse battery', next });
    expect(response.headers.location).toBe('/audit?limit=20');
  });

  it('sends secure headers: a content security policy, no framing, no sniffing', async () => {
    const page = await web.app.inject({ method: 'GET', url: '/login' });
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    // Plain HTTP on a LAN works: nothing tells the browser to fetch the assets and post the forms over https.
    expect(page.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    expect(page.headers['strict-transport-security']).toBeUndefined();
  });

  it('behind HTTPS (web.secureCookies), tells the browser to stay on https', async () => {
    const secure = await buildWebApp({ services: web.box.webServices(), secureCookies: true });
    const page = await secure.inject({ method: 'GET', url: '/login' });
    expect(page.headers['content-security-policy']).toMatch(/upgrade-insecure-requests/);
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    await secure.close();
  });
});

describe('API tokens', () => {
  it('reads with a viewer token and acts with an admin token, without CSRF (no cookie is involved)', async () => {
    const list = await web.app.inject({
      method: 'GET',
      url: '/api/tenants',
      headers: { authorization: `Bearer ${web.tokens.viewer}` },
    });
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .map((t: { displayName: string }) => t.displayName)
        .sort(),
    ).toEqual(['Contoso Ltd', 'Fabrikam GmbH', 'Northwind Traders']);
    const tenant = list.json()[0];
    const settings = await web.app.inject({
      method: 'PUT',
      url: `/api/tenants/${tenant.id}/settings`,
      headers: { authorization: `Bearer ${web.tokens.admin}` },
      payload: { pollSeconds: 120 },
    });
    expect(settings.statusCode).toBe(200);
    expect(settings.json().effective.pollSeconds).toBe(120);
    const entry = (await web.box.store.listAudit(1))[0]!;
    expect(entry).toMatchObject({ actor: 'api:automation', action: 'tenant.settings', target: tenant.id });
  });

  it('never shows a token, a password or an API secret in any page or API answer', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    const secrets = [
      web.tokens.admin,
      web.tokens.viewer,
      'correct horse battery',
      web.box.sims.credentials.itglueApiKey,
      web.box.sims.credentials.bms.password,
      web.box.sims.credentials.graph.clientSecret,
    ];
    const tenant = (await web.box.store.listTenants())[0]!;
    const user = (await web.box.store.loadUsers(tenant.id))[0]!;
    const bodies = [
      ...(await Promise.all(
        [
          '/',
          `/tenants/${tenant.id}`,
          `/tenants/${tenant.id}/mapping`,
          '/conflicts',
          `/contacts/${tenant.id}/${user.id}`,
          '/audit',
        ].map(async (url) => (await admin.get(url)).body),
      )),
      (
        await web.app.inject({
          method: 'GET',
          url: '/api/audit?limit=1000',
          headers: { authorization: `Bearer ${web.tokens.admin}` },
        })
      ).body,
      (
        await web.app.inject({
          method: 'GET',
          url: `/api/contacts/${tenant.id}/${user.id}`,
          headers: { authorization: `Bearer ${web.tokens.admin}` },
        })
      ).body,
    ];
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
  });
});
