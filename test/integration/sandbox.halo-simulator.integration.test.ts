import { describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { haloSeed, useSimulators } from '../support/halo-simulator.ts';
import { TENANT_A } from '../support/simulators.ts';

/** Raw HTTP against the Halo simulator, as a client speaks to Halo: `authinfo`, a token, then the API. */

const OID = '7d3b2c1a-0000-4000-8000-00000000abcd';

function seedOf(users = 250, simulate: Record<string, unknown> = {}) {
  return haloSeed(
    [
      {
        id: 1,
        name: 'Contoso Ltd',
        main_site_id: 12,
        azure_tenants: [{ azure_tenant_id: TENANT_A }],
        sites: [
          { id: 11, name: 'Annex' },
          { id: 12, name: 'Main' },
        ],
        users: Array.from({ length: users }, (_, i) => ({
          id: 500 + i,
          firstname: i === 0 ? 'Ann' : `First${i}`,
          surname: i === 0 ? 'Lee' : 'Person',
          name: i === 0 ? 'Ann Lee' : `First${i} Person`,
          emailaddress: i === 0 ? 'ann.lee@contoso.com' : `p${i}@contoso.com`,
          phonenumber: '+12065550100',
          mobilenumber: null,
          site_id: i % 2 === 0 ? 12 : 11,
          inactive: i % 10 === 9,
          azureoid: i === 0 ? OID : null,
        })),
      },
      { id: 2, name: 'Fabrikam', sites: [{ id: 21, name: 'Main' }] },
    ],
    simulate,
  );
}

const startSimulators = useSimulators();

const start = (users?: number, simulate?: Record<string, unknown>): Promise<RunningSimulators> =>
  startSimulators(seedOf(users, simulate));

type Answer = { status: number; body: any };

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

async function tokenOf(s: RunningSimulators, secret = s.credentials.halo.secret): Promise<Answer> {
  const info = await answer(await fetch(`${s.urls.halo}/api/authinfo`));
  return answer(
    await fetch(`${info.body.auth_url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: s.credentials.halo.clientId,
        client_secret: secret,
        scope: 'all',
      }).toString(),
    }),
  );
}

async function call(
  s: RunningSimulators,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Answer> {
  const bearer = token ?? (await tokenOf(s)).body.access_token;
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  return answer(await fetch(`${s.urls.halo}${path}`, init));
}

describe('the Halo simulator', () => {
  it('signs an API application in by client credentials from the auth server authinfo names, and nothing else', async () => {
    const s = await start(3);
    const info = await answer(await fetch(`${s.urls.halo}/api/authinfo`));
    expect(info).toEqual({ status: 200, body: { auth_url: `${s.urls.halo}/auth` } });
    const token = await tokenOf(s);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect((await tokenOf(s, 'wrong')).status).toBe(401);
    expect((await call(s, 'GET', '/api/Users?client_id=1', undefined, 'not-a-token')).status).toBe(401);
    // A token lasts an hour on the simulators' clock.
    const bearer = token.body.access_token as string;
    expect((await call(s, 'GET', '/api/Users?client_id=1', undefined, bearer)).status).toBe(200);
    s.clock.advance(3600_000);
    expect((await call(s, 'GET', '/api/Users?client_id=1', undefined, bearer)).status).toBe(401);
  });

  it("lists a client's users in pages with the count, the inactive ones only when asked", async () => {
    const s = await start(250);
    const page = (no: number, extra = '') =>
      call(s, 'GET', `/api/Users?client_id=1&pageinate=true&page_size=100&page_no=${no}${extra}`);
    const first = await page(1);
    expect(first.body.record_count).toBe(225);
    expect(first.body.users).toHaveLength(100);
    expect(first.body.users.some((u: { inactive: boolean }) => u.inactive)).toBe(false);
    const all = await page(3, '&includeinactive=true');
    expect(all.body.record_count).toBe(250);
    expect(all.body.users).toHaveLength(50);
    // A page larger than the instance gives is cut silently.
    const large = await call(s, 'GET', '/api/Users?client_id=1&pageinate=true&page_size=1000&page_no=1');
    expect(large.body.users).toHaveLength(100);
    const bySite = await call(
      s,
      'GET',
      '/api/Users?client_id=1&site_id=11&includeinactive=true&pageinate=true&page_size=100',
    );
    expect(bySite.body.record_count).toBe(125);
    const searched = await call(s, 'GET', '/api/Users?client_id=1&search=ANN.LEE@contoso.com');
    expect(searched.body.users.map((u: { id: number }) => u.id)).toEqual([500]);
    expect(searched.body.users[0]).toMatchObject({ azureoid: OID, client_id: 1, site_id: 12 });
    expect((await call(s, 'GET', '/api/Users?client_id=2')).body).toEqual({ record_count: 0, users: [] });
  });

  it('creates a user from an item without id, and changes only the fields sent of one with it', async () => {
    const s = await start(3);
    const created = await call(s, 'POST', '/api/Users', [
      { firstname: 'Bo', surname: 'Ng', emailaddress: 'bo@fabrikam.com', site_id: 21, azureoid: OID },
    ]);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Bo Ng', client_id: 2, site_id: 21, inactive: false, azureoid: OID });
    const id = created.body.id as number;
    s.halo.editUser(id, { email2: 'bo.personal@example.com' });
    const updated = await call(s, 'POST', '/api/Users', [{ id, jobtitle: 'CFO', site_id: 21 }]);
    expect(updated.status).toBe(201);
    expect(s.halo.user(id)).toMatchObject({
      firstname: 'Bo',
      jobtitle: 'CFO',
      emailaddress: 'bo@fabrikam.com',
      email2: 'bo.personal@example.com',
    });
    const inactive = await call(s, 'POST', '/api/Users', [{ id, inactive: true, site_id: 21 }]);
    expect(inactive.body).toMatchObject({ id, inactive: true, jobtitle: 'CFO' });
    expect((await call(s, 'GET', `/api/Users/${id}`)).body).toMatchObject({ id, inactive: true });
  });

  it('refuses a user without a site, an address that is none, an unknown id, and every deletion', async () => {
    const s = await start(3);
    const noSite = await call(s, 'POST', '/api/Users', [{ firstname: 'Bo', emailaddress: 'bo@fabrikam.com' }]);
    expect(noSite).toEqual({ status: 400, body: 'site_id: a new user must name its site.' });
    const badEmail = await call(s, 'POST', '/api/Users', [{ firstname: 'Bo', emailaddress: 'bo', site_id: 21 }]);
    expect(badEmail.status).toBe(400);
    expect(badEmail.body).toMatch(/^emailaddress of the new user is not a valid email address/);
    expect((await call(s, 'POST', '/api/Users', [{ id: 9999, jobtitle: 'x' }])).status).toBe(400);
    expect((await call(s, 'POST', '/api/Users', { firstname: 'Bo', site_id: 21 })).status).toBe(400);
    const deleted = await call(s, 'DELETE', '/api/Users/500');
    expect(deleted.status).toBe(400);
    expect(s.halo.user(500)).not.toBeNull();
    // Nothing of a refused request is saved.
    expect(s.halo.usersOf(2)).toEqual([]);
  });

  it('lists clients with their Azure tenants when asked, and their sites', async () => {
    const s = await start(1);
    const plain = await call(s, 'GET', '/api/Client?pageinate=true&page_size=100&page_no=1');
    expect(plain.body.clients[0]).toEqual({ id: 1, name: 'Contoso Ltd', inactive: false, main_site_id: 12 });
    const withTenants = await call(s, 'GET', '/api/Client?includeazuretenants=true');
    expect(withTenants.body.clients.map((c: { azure_tenants: unknown[] }) => c.azure_tenants)).toEqual([
      [{ azure_tenant_id: TENANT_A }],
      [],
    ]);
    expect((await call(s, 'GET', '/api/Client/2')).body).toMatchObject({ id: 2, main_site_id: 21 });
    const sites = await call(s, 'GET', '/api/Site?client_id=1');
    expect(sites.body.sites.map((site: { name: string }) => site.name)).toEqual(['Annex', 'Main']);
  });

  it('answers 429 past 300 requests in a rolling 5 minutes, the other tools counted, until the oldest leave', async () => {
    const s = await start(1, { otherToolsPerWindow: 290 });
    const bearer = (await tokenOf(s)).body.access_token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await call(s, 'GET', '/api/Client', undefined, bearer)).status);
      if (i === 4) s.clock.advance(60_000);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    const limited = await call(s, 'GET', '/api/Client', undefined, bearer);
    expect(limited.body).toBe('300 Requests per rolling 5 minute window');
    // The first five leave the window 5 minutes after they were made: five more pass.
    s.clock.advance(240_001);
    const after: number[] = [];
    for (let i = 0; i < 6; i++) after.push((await call(s, 'GET', '/api/Client', undefined, bearer)).status);
    expect(after).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('dumps under the seed key halo as seeded, and takes faults under the api halo', async () => {
    const s = await start(2);
    const bearer = (await tokenOf(s)).body.access_token as string;
    expect(s.dump().halo!.clients[0]!.users.map((u) => u.emailaddress)).toEqual([
      'ann.lee@contoso.com',
      'p1@contoso.com',
    ]);
    const faults = await fetch(`${s.urls.graph}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api: 'halo', throttle429: 1 }),
    });
    expect(faults.status).toBe(200);
    expect((await call(s, 'GET', '/api/Client', undefined, bearer)).status).toBe(429);
    expect(s.requestCounts().halo).toMatchObject({ GET: expect.any(Number), POST: expect.any(Number) });
  });
});
