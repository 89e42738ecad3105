import { afterEach, describe, expect, it } from 'vitest';
import type { WebHarness } from '../support/web.ts';
import { expectLiveReadsRefused, LIVE_READS_REFUSED } from '../support/live-reads.ts';
import { Browser, startWebHarness } from '../support/web.ts';
import { PREVIEW_COST } from '../../src/web/live-reads.ts';
import { auditLine } from '../../src/operations/audit-text.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

/**
 * A preview is a full read of Microsoft 365, IT Glue and BMS, and a viewer (or a read-only token) may ask for one:
 * previews must not spend the API budgets the syncs need. One read is shared by everyone asking about a tenant for a
 * short time, and fresh reads are limited per minute, answering 429 with Retry-After beyond that.
 */
let web: WebHarness | null = null;
afterEach(async () => {
  await web?.close();
  web = null;
});

const plan = (harness: WebHarness, tenantId: string) =>
  harness.app.inject({
    url: `/api/tenants/${tenantId}/plan`,
    headers: { authorization: `Bearer ${harness.tokens.viewer}` },
  });

async function mappedTenants(harness: WebHarness): Promise<string[]> {
  return (await harness.box.store.listTenants()).filter((t) => t.docCustomerId !== null).map((t) => t.id);
}

describe('previews', () => {
  it('asked at once for one tenant, by the API and the page, cost one read of the APIs', async () => {
    web = await startWebHarness({ liveReadLimits: { perMinute: 500, cacheSeconds: 30 } });
    const harness = web;
    const [tenant] = await mappedTenants(harness);
    // What one preview reads (signed in already, so that only the reads are counted).
    let before = harness.box.sims.requests.length;
    await harness.box.runner.runTenant(tenant!, { dryRun: true });
    const oneRead = harness.box.sims.requests.length - before;
    expect(oneRead).toBeGreaterThan(0);

    const viewer = new Browser(harness.app);
    await viewer.login('viewer');
    before = harness.box.sims.requests.length;
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => plan(harness, tenant!)),
      viewer.get(`/tenants/${tenant}/preview`),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual(Array<number>(9).fill(200));
    expect(harness.box.sims.requests.length - before).toBe(oneRead);
    // Asked again a moment later: still shared.
    expect((await plan(harness, tenant!)).statusCode).toBe(200);
    expect(harness.box.sims.requests.length - before).toBe(oneRead);
    // A sync writes a run: the next preview reads afresh.
    const synced = await harness.app.inject({
      method: 'POST',
      url: `/api/tenants/${tenant}/sync`,
      headers: { authorization: `Bearer ${harness.tokens.admin}` },
    });
    expect(synced.statusCode).toBe(200);
    before = harness.box.sims.requests.length;
    expect((await plan(harness, tenant!)).statusCode).toBe(200);
    expect(harness.box.sims.requests.length - before).toBe(oneRead);
  });

  it('stay shared when a stranger fails to sign in with the tenant’s id as the user name', async () => {
    web = await startWebHarness({ liveReadLimits: { perMinute: 500, cacheSeconds: 30 } });
    const harness = web;
    const [tenant] = await mappedTenants(harness);
    expect((await plan(harness, tenant!)).statusCode).toBe(200);
    const before = harness.box.sims.requests.length;
    const stranger = new Browser(harness.app);
    await stranger.get('/login');
    expect((await stranger.post('/login', { username: tenant!, password: 'wrong' })).statusCode).toBe(401);
    const failure = (await harness.box.store.listAudit(1))[0]!;
    expect(failure).toMatchObject({ action: 'login.failed', target: tenant });
    // Nor does it write into the tenant's own history: the name typed is no tenant.
    const about = await harness.box.store.listAudit({ tenantId: tenant!, limit: 100 });
    expect(about.filter((e) => e.action.startsWith('login.'))).toEqual([]);
    expect(auditLine(failure, new Map([[tenant!, 'Contoso Ltd']]), BOTH_TARGETS).tenant).toBeNull();
    expect((await plan(harness, tenant!)).statusCode).toBe(200);
    expect(harness.box.sims.requests.length - before).toBe(0);
  });

  it('beyond their own budget are refused with Retry-After, while a sync still gets its requests', async () => {
    web = await startWebHarness({ liveReadLimits: { perMinute: 2 * PREVIEW_COST, cacheSeconds: 30 } });
    const harness = web;
    const tenants = await mappedTenants(harness);
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    expect((await plan(harness, tenants[0]!)).statusCode).toBe(200);
    expect((await plan(harness, tenants[1]!)).statusCode).toBe(200);
    const before = harness.box.sims.requests.length;
    const refused = await plan(harness, tenants[2]!);
    expectLiveReadsRefused(refused);
    expect(harness.box.sims.requests.length).toBe(before);
    // The page says the same to a person.
    const viewer = new Browser(harness.app);
    await viewer.login('viewer');
    const page = await viewer.get(`/tenants/${tenants[2]}/preview`);
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain(LIVE_READS_REFUSED);
    // A sync is not held back by the previews' budget.
    const synced = await harness.app.inject({
      method: 'POST',
      url: `/api/tenants/${tenants[2]}/sync`,
      headers: { authorization: `Bearer ${harness.tokens.admin}` },
    });
    expect(synced.statusCode).toBe(200);
    expect(synced.json().status).not.toBe('failed');
    expect(harness.box.sims.requests.length).toBeGreaterThan(before);
  });
});
