import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from '../support/web.ts';

let web: WebHarness;
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';

beforeAll(async () => {
  web = await startWebHarness();
}, 120_000);
afterAll(async () => {
  await web.close();
});

function call(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, role: 'admin' | 'viewer' = 'admin') {
  return web.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${web.tokens[role]}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

describe('the REST API', () => {
  it('is described by an OpenAPI document that names every API route, with its request body schema', async () => {
    const document = (await web.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(document.openapi).toBe('3.1.0');
    const described = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const served = web.routes
      .filter((r) => r.url.startsWith('/api/') && r.url !== '/api/openapi.json')
      .map((r) => `${r.method} ${r.url}`);
    expect(described.sort()).toEqual(served.sort());
    const resolve = document.paths['/api/conflicts/{id}/resolve'].post;
    expect(JSON.stringify(resolve.requestBody.content['application/json'].schema)).toContain('"link"');
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
  });

  it('names the key of every bad setting and saves none of them', async () => {
    const before = await web.box.store.latestSettings(CONTOSO);
    const response = await call('PUT', `/api/tenants/${CONTOSO}/settings`, {
      phones: { primaryType: 'fax' },
      pollSecond: 5,
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('Validation');
    expect(body.error.problems.map((p: { key: string }) => p.key).sort()).toEqual(['phones.primaryType', 'pollSecond']);
    expect(await web.box.store.latestSettings(CONTOSO)).toEqual(before);
  });

  it('previews, syncs, and reports the runs of a tenant', async () => {
    const plan = (await call('GET', `/api/tenants/${CONTOSO}/plan?outcome=disputed`, undefined, 'viewer')).json();
    expect(plan.users.length).toBeGreaterThan(0);
    expect(plan.users.every((u: { outcome: string }) => u.outcome === 'disputed')).toBe(true);
    const sync = (await call('POST', `/api/tenants/${CONTOSO}/sync`)).json();
    expect(sync.status).toBe('ok');
    const run = (await call('GET', `/api/runs/${sync.runId}`, undefined, 'viewer')).json();
    expect(run.run.tenantId).toBe(CONTOSO);
    expect(run.users.length).toBe(sync.users.length);
  });

  it('resolves a conflict, refusing a contact that is not a candidate', async () => {
    const open = (await call('GET', `/api/conflicts?tenant=${CONTOSO}`, undefined, 'viewer')).json() as {
      id: string;
      candidates: string[];
      userPrincipalName: string;
    }[];
    const conflict = open[0]!;
    const wrong = await call('POST', `/api/conflicts/${conflict.id}/resolve`, {
      resolution: 'link',
      contactId: 'nope',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.message).toMatch(/not a candidate/);
    const missing = await call('POST', `/api/conflicts/${conflict.id}/resolve`, { resolution: 'merge' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/resolution/);
    const done = await call('POST', `/api/conflicts/${conflict.id}/resolve`, { resolution: 'ignore' });
    expect(done.json().message).toBe(
      `Resolved: ${conflict.userPrincipalName} → ignore: left out of the sync. The next sync applies it.`,
    );
    expect((await call('POST', `/api/conflicts/${conflict.id}/resolve`, { resolution: 'ignore' })).statusCode).toBe(
      404,
    );
  });

  it('Manage, Sync now and Disable sync for one contact', async () => {
    const link = (await web.box.store.listLinks(CONTOSO)).find(
      (l) => l.psaContactId !== null && l.syncDisabled === 'none',
    )!;
    const base = `/api/contacts/${CONTOSO}/${link.userId}`;
    const view = (await call('GET', base, undefined, 'viewer')).json();
    expect(view.link.docContactId).toBe(link.docContactId);
    expect(view.itglue.id).toBe(link.docContactId);
    expect(view.bms.id).toBe(link.psaContactId);
    expect(view.fields.map((f: { field: string }) => f.field)).toEqual([
      'First name',
      'Last name',
      'Title',
      'Email',
      'Phone',
      'Location',
      'Active',
    ]);
    const now = (await call('POST', `${base}/sync-now`)).json();
    expect(now.steps.map((s: { step: string }) => s.step)).toEqual(['read', 'scope', 'match', 'plan', 'apply']);
    expect((await call('PUT', `${base}/sync`, { disabled: 'psa' })).json().message).toMatch(/BMS is left alone/);
    expect((await web.box.store.getLink(CONTOSO, link.userId))!.syncDisabled).toBe('psa');
    expect((await call('PUT', `${base}/sync`, { disabled: 'sometimes' })).statusCode).toBe(400);
    expect((await call('PUT', `${base}/sync`, { disabled: 'none' })).statusCode).toBe(200);
    expect((await call('GET', `/api/contacts/${CONTOSO}/no-such-user`, undefined, 'viewer')).statusCode).toBe(404);
  });

  it('maps a tenant only to an organization and an account that exist, by name or id', async () => {
    const bad = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglueOrganizationId: '1', bmsAccountId: 999 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /^There is no BMS account "999"\. The closest to "Contoso Ltd": "Contoso Ltd"/,
    );
    // Saving what the tenant is already mapped to (by name) changes nothing and says so.
    const same = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglue: 'Contoso Ltd', bms: 'contoso ltd' });
    expect(same.statusCode).toBe(200);
    expect(same.json().message).toBe('Nothing changed.');
    expect(same.json().tenant.mapping).not.toBe('manual');
    // IT Glue alone, then both again by name: each a change, mapped by hand.
    expect((await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglue: '1', bms: null })).statusCode).toBe(200);
    const ok = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglue: 'Contoso Ltd', bms: 'contoso ltd' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().tenant).toMatchObject({
      itglueOrganizationId: '1',
      itglueOrganizationName: 'Contoso Ltd',
      bmsAccountId: 1,
      bmsAccountName: 'Contoso Ltd',
      mapping: 'manual',
    });
    const audit = (await call('GET', '/api/audit?limit=5', undefined, 'viewer')).json();
    expect(audit[0]).toMatchObject({ actor: 'api:automation', action: 'tenant.map', target: CONTOSO });
  });

  it("refuses to map a tenant onto another customer's organization and account unless forced with a reason", async () => {
    const before = await web.box.store.getTenant(CONTOSO);
    const slip = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglueOrganizationId: '2', bmsAccountId: 2 });
    expect(slip.statusCode).toBe(409);
    const error = slip.json().error;
    expect(error.code).toBe('Conflict');
    expect(error.problems.map((p: { key: string }) => p.key)).toEqual(['itglue', 'bms', 'names']);
    expect(error.problems[0].message).toMatch(/"Fabrikam GmbH" is already mapped to Fabrikam GmbH/);
    expect(error.problems[2].message).toMatch(/tenant "Contoso Ltd" · IT Glue "Fabrikam GmbH" · BMS "Fabrikam GmbH"/);
    expect(await web.box.store.getTenant(CONTOSO)).toEqual(before);
    // Confirming the names is not enough: the organization is another tenant's.
    const confirmed = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, {
      itglue: 'Fabrikam GmbH',
      bms: 'Fabrikam GmbH',
      confirmNames: true,
    });
    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.json().error.problems.map((p: { key: string }) => p.key)).toEqual(['itglue', 'bms']);
    const forced = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, {
      itglue: 'Fabrikam GmbH',
      bms: 'Fabrikam GmbH',
      confirmNames: true,
      force: 'Contoso bought Fabrikam; one billing account',
    });
    expect(forced.statusCode).toBe(200);
    const audit = (await call('GET', '/api/audit?limit=1', undefined, 'viewer')).json();
    expect(audit[0].details).toMatchObject({
      sharedWith: ['Fabrikam GmbH'],
      reason: 'Contoso bought Fabrikam; one billing account',
    });
    const back = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglue: 'Contoso Ltd', bms: 'Contoso Ltd' });
    expect(back.statusCode).toBe(200);
  });

  it('lists the mapping candidates by name, the closest first, with who uses each', async () => {
    const list = (await call('GET', `/api/tenants/${CONTOSO}/mapping/candidates`)).json();
    expect(list.organizations[0]).toEqual({ id: '1', name: 'Contoso Ltd', usedBy: null });
    expect(list.organizations.find((o: { name: string }) => o.name === 'Fabrikam GmbH').usedBy).toBe('Fabrikam GmbH');
    expect(list.accounts[0]).toMatchObject({ name: 'Contoso Ltd', usedBy: null });
  });
});
