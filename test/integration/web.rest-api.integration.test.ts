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

  it('maps a tenant only to an organization and an account that exist', async () => {
    const bad = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglueOrganizationId: '1', bmsAccountId: 999 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('BMS has no account 999.');
    const ok = await call('PUT', `/api/tenants/${CONTOSO}/mapping`, { itglueOrganizationId: '1', bmsAccountId: 1 });
    expect(ok.json()).toMatchObject({ itglueOrganizationId: '1', bmsAccountId: 1, mapping: 'manual' });
    const audit = (await call('GET', '/api/audit?limit=5', undefined, 'viewer')).json();
    expect(audit[0]).toMatchObject({ actor: 'api:automation', action: 'tenant.map', target: CONTOSO });
  });
});

describe('/metrics', () => {
  const scrape = async (token?: string) =>
    web.app.inject({
      method: 'GET',
      url: '/metrics',
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });
  const value = (text: string, sample: string) =>
    Number(new RegExp(`^${sample.replace(/[{}"=,+]/g, '\\$&')} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

  it('asks Prometheus for a token like any API client', async () => {
    expect((await scrape()).statusCode).toBe(401);
  });

  it('counts runs, writes per system, 429s received, and the time from a change in Microsoft 365 to BMS', async () => {
    const first = (await scrape(web.tokens.viewer)).body;
    expect((await scrape(web.tokens.viewer)).headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(first).toMatch(/^# TYPE contactsync_runs_total counter$/m);
    expect(value(first, 'contactsync_runs_total{status="ok"}')).toBeGreaterThanOrEqual(3);
    expect(value(first, 'contactsync_writes_total{operation="create",system="bms"}')).toBeGreaterThan(100);
    expect(value(first, 'contactsync_open_conflicts')).toBeGreaterThan(0);

    // What earlier tests decided (a conflict resolved) is applied first, so that the round below holds one change.
    await web.box.runner.runTenant(CONTOSO);
    await web.box.metrics.flush();
    const before = (await scrape(web.tokens.viewer)).body;
    // A histogram not observed yet has no sample line: it counts as zero.
    const count = (text: string, sample: string) => value(text, sample) || 0;

    // A new hire.
    const base = web.box.sims.graph.users(CONTOSO)[0]!;
    web.box.sims.graph.addUser(CONTOSO, {
      ...base,
      id: 'metrics-new-hire',
      userPrincipalName: 'newhire@contoso.com',
      mail: 'newhire@contoso.com',
      proxyAddresses: ['SMTP:newhire@contoso.com'],
      givenName: 'New',
      surname: 'Hire',
      displayName: 'New Hire',
      businessPhones: ['+1 206 555 0177'],
    });
    // BMS answers 429 to everything for one round (the new hire reaches IT Glue only), then recovers.
    web.box.sims.setFaults('bms', { throttle429: 1 });
    await web.box.runner.runTenant(CONTOSO);
    web.box.sims.setFaults('bms', {});
    await web.box.runner.runTenant(CONTOSO);
    await web.box.metrics.flush();

    const after = (await scrape(web.tokens.viewer)).body;
    expect(value(after, 'contactsync_api_429_total{api="bms"}')).toBeGreaterThan(0);
    expect(value(after, 'contactsync_change_to_bms_seconds_count')).toBe(
      count(before, 'contactsync_change_to_bms_seconds_count') + 1,
    );
    expect(value(after, 'contactsync_change_to_bms_seconds_bucket{le="+Inf"}')).toBe(
      count(before, 'contactsync_change_to_bms_seconds_bucket{le="+Inf"}') + 1,
    );
    expect(after).toMatch(/^# TYPE contactsync_change_to_bms_seconds histogram$/m);
    expect(value(after, 'contactsync_writes_total{operation="create",system="bms"}')).toBe(
      value(before, 'contactsync_writes_total{operation="create",system="bms"}') + 1,
    );
  });
});
