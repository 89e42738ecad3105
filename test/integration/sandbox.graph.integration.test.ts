import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { graphToken, smallSeed, started, TENANT_A, TENANT_B, user } from '../support/simulators.ts';

let sims: RunningSimulators;
let token: string;
beforeEach(async () => {
  sims = await started(smallSeed(250));
  token = await graphToken(sims);
});
afterEach(async () => {
  await sims.close();
});

interface Page {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url.startsWith('http') ? url : `${sims.urls.graph}${url}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

/** Follows `@odata.nextLink` to the last page; returns every page. */
async function allPages(url: string, headers: Record<string, string> = {}): Promise<Page[]> {
  const pages: Page[] = [];
  let next: string | undefined = url;
  while (next !== undefined) {
    const { status, body } = await get(next, headers);
    expect(status).toBe(200);
    pages.push(body as unknown as Page);
    next = (body as unknown as Page)['@odata.nextLink'];
  }
  return pages;
}

describe('GET /v1.0/users', () => {
  it('returns the default property set without $select', async () => {
    const { body } = await get('/v1.0/users?$top=1');
    const first = (body.value as Record<string, unknown>[])[0]!;
    expect(Object.keys(first).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    expect(first).not.toHaveProperty('proxyAddresses');
  });

  it('returns only the named properties with $select', async () => {
    const { body } = await get('/v1.0/users?$top=1&$select=id,proxyAddresses,accountEnabled');
    expect(Object.keys((body.value as object[])[0]!).sort()).toEqual(['accountEnabled', 'id', 'proxyAddresses']);
  });

  it('pages with @odata.nextLink to the end: 100 by default, up to 999', async () => {
    expect((await allPages('/v1.0/users')).map((p) => p.value.length)).toEqual([100, 100, 50]);
    const big = await allPages('/v1.0/users?$top=999');
    expect(big.map((p) => p.value.length)).toEqual([250]);
    const ids = (await allPages('/v1.0/users?$top=60&$select=id')).flatMap((p) => p.value.map((u) => u.id));
    expect(new Set(ids).size).toBe(250);
  });

  it("refuses $top over 999 and $skip, in Graph's error shape", async () => {
    const tooBig = await get('/v1.0/users?$top=1000');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({
      error: { code: 'Request_BadRequest', innerError: { 'request-id': expect.any(String), date: expect.any(String) } },
    });
    expect((await get('/v1.0/users?$skip=10')).status).toBe(400);
  });

  it('filters by the forms the connectors use, with OData quoting', async () => {
    sims.graph.addUser(
      TENANT_A,
      parseSeed({
        tenants: [
          {
            id: 'x',
            displayName: 'x',
            initialDomain: 'x',
            users: [user("o'brien", { userPrincipalName: "o'brien@contoso.com" })],
          },
        ],
      }).tenants[0]!.users[0]!,
    );
    const byUpn = await get(`/v1.0/users?$filter=${encodeURIComponent("userPrincipalName eq 'O''Brien@contoso.com'")}`);
    expect((byUpn.body.value as { id: string }[]).map((u) => u.id)).toEqual(["o'brien"]);
    const byIds = await get(`/v1.0/users?$filter=${encodeURIComponent("id in ('a00001','a00002')")}`);
    expect((byIds.body.value as object[]).length).toBe(2);
    expect((await get(`/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'A')")}`)).body).toMatchObject({
      error: { code: 'Request_UnsupportedQuery' },
    });
  });

  it('rejects a missing or unknown bearer token', async () => {
    const response = await fetch(`${sims.urls.graph}/v1.0/users`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('serves each tenant its own users, chosen by the token', async () => {
    token = await graphToken(sims, TENANT_B);
    const { body } = await get('/v1.0/users');
    expect((body.value as { id: string }[]).map((u) => u.id)).toEqual(['b1', 'b2']);
  });

  it('echoes client-request-id and sends request-id', async () => {
    const { headers } = await get('/v1.0/users?$top=1', { 'client-request-id': 'abc-123' });
    expect(headers.get('client-request-id')).toBe('abc-123');
    expect(headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const failed = await get('/v1.0/users?$top=0', { 'client-request-id': 'abc-124' });
    expect(failed.headers.get('request-id')).toEqual(expect.any(String));
  });
});

describe('GET /v1.0/users/delta', () => {
  const select = '$select=id,displayName,jobTitle,accountEnabled';

  it('pages the initial round, then ends it with a delta link', async () => {
    const pages = await allPages(`/v1.0/users/delta?${select}`);
    expect(pages.map((p) => p.value.length)).toEqual([200, 50]);
    expect(pages.at(-1)!['@odata.deltaLink']).toMatch(/\$deltatoken=/);
    expect(pages.slice(0, -1).every((p) => p['@odata.deltaLink'] === undefined)).toBe(true);
  });

  it('answers an unchanged tenant with one empty page', async () => {
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    const next = await allPages(link);
    expect(next).toHaveLength(1);
    expect(next[0]!.value).toEqual([]);
    expect(next[0]!['@odata.deltaLink']).toEqual(expect.any(String));
  });

  it('reports changes, soft and permanent deletions, and a user twice when changed twice', async () => {
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'CFO' });
    sims.graph.deleteUser(TENANT_A, 'a00002');
    sims.graph.deleteUser(TENANT_A, 'a00003', true);
    sims.graph.updateUser(TENANT_A, 'a00001', { displayName: 'Renamed' });
    sims.graph.updateUser(TENANT_A, 'a00004', { mobilePhone: '+1 206 555 0199' }); // not selected: not tracked
    const round = (await allPages(link)).flatMap((p) => p.value);
    expect(round).toEqual([
      { id: 'a00001', displayName: 'Renamed', jobTitle: 'CFO', accountEnabled: true },
      { id: 'a00002', '@removed': { reason: 'changed' } },
      { id: 'a00003', '@removed': { reason: 'deleted' } },
      { id: 'a00001', displayName: 'Renamed', jobTitle: 'CFO', accountEnabled: true },
    ]);
  });

  it('returns only changed properties with Prefer: return=minimal, a cleared one as null', async () => {
    sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'CFO' });
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: null });
    const round = (await allPages(link, { prefer: 'return=minimal' })).flatMap((p) => p.value);
    expect(round).toEqual([{ id: 'a00001', jobTitle: null }]);
  });

  it('shows a restored user again as a new one', async () => {
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.graph.deleteUser(TENANT_A, 'a00002');
    const afterDelete = (await allPages(link)).at(-1)!['@odata.deltaLink']!;
    sims.graph.restoreUser(TENANT_A, 'a00002');
    const round = (await allPages(afterDelete)).flatMap((p) => p.value);
    expect(round).toEqual([expect.objectContaining({ id: 'a00002', displayName: 'User a00002' })]);
  });

  it('starts from now with $deltatoken=latest', async () => {
    const { body } = await get(`/v1.0/users/delta?$deltatoken=latest&${select}`);
    expect(body.value).toEqual([]);
    sims.graph.updateUser(TENANT_A, 'a00005', { jobTitle: 'New' });
    const round = (await allPages(String(body['@odata.deltaLink']))).flatMap((p) => p.value);
    expect(round.map((u) => u.id)).toEqual(['a00005']);
  });

  it('answers an invalidated token with 410 Gone and a Location to restart from', async () => {
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.graph.invalidateDeltaTokens(TENANT_A, '410');
    const gone = await get(link);
    expect(gone.status).toBe(410);
    expect(gone.headers.get('location')).toMatch(
      /\/v1\.0\/users\/delta\?\$select=id,displayName,jobTitle,accountEnabled$/,
    );
    expect(gone.body).toMatchObject({ error: { code: 'resyncRequired' } });
  });

  it('answers with syncStateNotFound when told to, and expires tokens after 7 days', async () => {
    const link = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.graph.invalidateDeltaTokens(TENANT_A, 'syncStateNotFound');
    expect((await get(link)).body).toMatchObject({ error: { code: 'syncStateNotFound' } });
    const fresh = (await allPages(`/v1.0/users/delta?${select}`)).at(-1)!['@odata.deltaLink']!;
    sims.clock.advance(7 * 24 * 3600 * 1000 + 1000);
    token = await graphToken(sims);
    expect((await get(fresh)).status).toBe(400);
  });

  it('refuses $top on delta', async () => {
    expect((await get('/v1.0/users/delta?$top=10')).status).toBe(400);
  });
});

describe('other Graph routes', () => {
  it('GET /v1.0/organization', async () => {
    const { body } = await get('/v1.0/organization');
    expect(body.value).toEqual([
      expect.objectContaining({
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        countryLetterCode: 'US',
        businessPhones: ['+1 206 555 0100'],
        verifiedDomains: expect.arrayContaining([
          expect.objectContaining({ name: 'contoso.onmicrosoft.com', isInitial: true }),
          expect.objectContaining({ name: 'contoso.com', isDefault: true }),
        ]),
      }),
    ]);
  });

  it('lists GDAP customers for the partner tenant only', async () => {
    expect((await get('/v1.0/tenantRelationships/delegatedAdminCustomers')).status).toBe(403);
    token = await graphToken(sims, sims.credentials.partnerTenantId);
    const { body } = await get('/v1.0/tenantRelationships/delegatedAdminCustomers');
    expect((body.value as { tenantId: string }[]).map((c) => c.tenantId).sort()).toEqual([TENANT_A, TENANT_B]);
  });

  it('lists transitive group members, nested groups flattened, with paging', async () => {
    const pages = await allPages('/v1.0/groups/g-staff/transitiveMembers?$top=1&$select=id');
    expect(pages.flatMap((p) => p.value)).toEqual([
      { '@odata.type': '#microsoft.graph.user', id: 'a00000' },
      { '@odata.type': '#microsoft.graph.user', id: 'a00001' },
    ]);
    expect((await get('/v1.0/groups/nope/transitiveMembers')).status).toBe(404);
  });
});

describe('throttling', () => {
  it('answers 429 with a fractional Retry-After once the tenant spends its resource units', async () => {
    sims.graph.setBudget(TENANT_A, 5);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const response = await get('/v1.0/users?$top=1'); // 2 units each without $select
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(retryAfter).toMatch(/^\d+\.\d{3}$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(10);
    // $select halves the cost, and the window frees up after 10 s.
    sims.clock.advance(10_000);
    expect((await get('/v1.0/users?$top=1&$select=id')).status).toBe(200);
  });

  it('charges 5 resource units for transitiveMembers', async () => {
    sims.graph.setBudget(TENANT_A, 9);
    expect((await get('/v1.0/groups/g-staff/transitiveMembers')).status).toBe(200);
    expect((await get('/v1.0/groups/g-staff/transitiveMembers')).status).toBe(429);
    expect((await get('/v1.0/organization')).status).toBe(200);
  });
});
