import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebHarness } from '../support/web.ts';
import { expectLiveReadsRefused, LIVE_READS_REFUSED } from '../support/live-reads.ts';
import { Browser, startWebHarness } from '../support/web.ts';

/**
 * Pages and read-only routes that read IT Glue and BMS live (the conflicts' evidence, a contact's Manage page, the
 * contacts a person can be linked to, a tenant's setting choices) must not let a viewer (or a read-only token) spend
 * the API budgets the syncs need: what is read about a tenant is shared for a short time, and fresh reads draw on
 * one budget for the process, answering 429 with Retry-After beyond it.
 */
let web: WebHarness | null = null;
afterEach(async () => {
  await web?.close();
  web = null;
});

/** Requests to IT Glue and BMS so far (signing in to BMS aside). */
const vendorRequests = (harness: WebHarness) =>
  harness.box.sims.requests.filter(
    (r) => (r.server === 'itglue' || r.server === 'bms') && !r.route.includes('authenticate'),
  ).length;

const api = (harness: WebHarness, url: string) =>
  harness.app.inject({ url, headers: { authorization: `Bearer ${harness.tokens.viewer}` } });

/** A tenant with open conflicts, and one of its users linked to an IT Glue and a BMS contact. */
async function subjects(harness: WebHarness) {
  const { store } = harness.box;
  const conflicts = await store.listConflicts({ status: 'open' });
  const conflict = conflicts.find((c) => c.side === 'bms') ?? conflicts[0]!;
  const tenantId = conflict.tenantId;
  const linked = (await store.listLinks(tenantId)).filter((l) => l.psaContactId !== null);
  expect(linked.length).toBeGreaterThanOrEqual(4);
  return { tenantId, conflict, users: linked.map((l) => l.userId) };
}

/** Something recorded about the tenant: what was read about it before is no longer shared. */
async function somethingHappened(harness: WebHarness, tenantId: string): Promise<void> {
  await harness.box.store.audit('web:admin', 'tenant.note', tenantId, {}, { tenantId });
}

describe('live reads', () => {
  it('asked at once, by pages and the API, cost one read of IT Glue and BMS of each kind', async () => {
    web = await startWebHarness({ liveReadLimits: { perMinute: 500, cacheSeconds: 30 } });
    const harness = web;
    const { tenantId, conflict, users } = await subjects(harness);
    const user = users[0]!;
    const viewer = new Browser(harness.app);
    await viewer.login('viewer');
    const kinds: Record<string, { load: () => Promise<LightMyRequestResponse>; shows: string }> = {
      'the conflicts page': {
        load: () => viewer.get(`/conflicts?tenant=${tenantId}`),
        shows: conflict.userPrincipalName,
      },
      "a conflict's evidence": { load: () => api(harness, `/api/conflicts/${conflict.id}`), shows: '"candidates"' },
      "a contact's page": { load: () => viewer.get(`/contacts/${tenantId}/${user}`), shows: 'Side by side' },
      'a contact by the API': { load: () => api(harness, `/api/contacts/${tenantId}/${user}`), shows: '"fields"' },
      "a contact's BMS candidates": {
        load: () => api(harness, `/api/contacts/${tenantId}/${user}/candidates?system=bms`),
        shows: '"linkedTo"',
      },
      "a contact's IT Glue candidates": {
        load: () => api(harness, `/api/contacts/${tenantId}/${user}/candidates`),
        shows: '"linkedTo"',
      },
      "the tenant page's setting choices": { load: () => viewer.get(`/tenants/${tenantId}`), shows: 'Sync settings' },
    };
    const costs = new Map<string, number>();
    for (const [kind, { load, shows }] of Object.entries(kinds)) {
      await somethingHappened(harness, tenantId);
      let before = vendorRequests(harness);
      const one = await load();
      expect(one.statusCode, kind).toBe(200);
      expect(one.body, kind).toContain(shows);
      const oneRead = vendorRequests(harness) - before;
      expect(oneRead, kind).toBeGreaterThan(0);
      costs.set(kind, oneRead);

      await somethingHappened(harness, tenantId);
      before = vendorRequests(harness);
      const answers = await Promise.all(Array.from({ length: 8 }, load));
      expect(
        answers.map((a) => a.statusCode),
        kind,
      ).toEqual(Array<number>(8).fill(200));
      // Everyone sees the same as the one who asked alone.
      for (const a of answers) expect(a.body, kind).toContain(shows);
      expect(vendorRequests(harness) - before, `${kind}: 8 at once`).toBe(oneRead);
      // Asked again a moment later: still shared.
      expect((await load()).statusCode, kind).toBe(200);
      expect(vendorRequests(harness) - before, `${kind}: again`).toBe(oneRead);
    }
    // The contacts a person can be linked to are the same list for every user of the tenant: read once.
    await somethingHappened(harness, tenantId);
    let before = vendorRequests(harness);
    const lists = await Promise.all(
      users.map((u) => api(harness, `/api/contacts/${tenantId}/${u}/candidates?system=bms`)),
    );
    expect(lists.map((l) => l.statusCode)).toEqual(users.map(() => 200));
    expect(vendorRequests(harness) - before).toBe(costs.get("a contact's BMS candidates"));
    // The page of every customer reads the same per tenant, and is shared in turn.
    await somethingHappened(harness, tenantId);
    expect((await viewer.get('/conflicts')).statusCode).toBe(200);
    before = vendorRequests(harness);
    const pages = await Promise.all(Array.from({ length: 8 }, () => viewer.get('/conflicts')));
    expect(pages.map((p) => p.statusCode)).toEqual(Array<number>(8).fill(200));
    expect(vendorRequests(harness)).toBe(before);
  });

  it('beyond their budget are refused with Retry-After, while a sync still gets its requests', async () => {
    web = await startWebHarness({ liveReadLimits: { perMinute: 3, cacheSeconds: 30 } });
    const harness = web;
    const { tenantId, conflict, users } = await subjects(harness);
    for (const user of users.slice(0, 3))
      expect((await api(harness, `/api/contacts/${tenantId}/${user}`)).statusCode).toBe(200);
    const before = vendorRequests(harness);
    const refused = [
      await api(harness, `/api/contacts/${tenantId}/${users[3]}`),
      await api(harness, `/api/conflicts/${conflict.id}`),
      await api(harness, `/api/contacts/${tenantId}/${users[0]}/candidates?system=bms`),
    ];
    for (const answer of refused) expectLiveReadsRefused(answer);
    expect(vendorRequests(harness)).toBe(before);
    // What was read a moment ago is still shown, at no cost.
    expect((await api(harness, `/api/contacts/${tenantId}/${users[0]}`)).statusCode).toBe(200);
    // The pages say the same to a person; an admin's link page, which reads afresh, too.
    const viewer = new Browser(harness.app);
    await viewer.login('viewer');
    for (const url of [`/conflicts?tenant=${tenantId}`, `/contacts/${tenantId}/${users[3]}`]) {
      const page = await viewer.get(url);
      expect(page.statusCode, url).toBe(429);
      expect(page.body, url).toContain(LIVE_READS_REFUSED);
    }
    const admin = new Browser(harness.app);
    await admin.login('admin');
    expect((await admin.get(`/contacts/${tenantId}/${users[0]}/link`)).statusCode).toBe(429);
    expect(vendorRequests(harness)).toBe(before);
    // A sync is not held back by the live reads' budget.
    const synced = await harness.app.inject({
      method: 'POST',
      url: `/api/tenants/${tenantId}/sync`,
      headers: { authorization: `Bearer ${harness.tokens.admin}` },
    });
    expect(synced.statusCode).toBe(200);
    expect(synced.json().status).not.toBe('failed');
    expect(vendorRequests(harness)).toBeGreaterThan(before);
  });
});
