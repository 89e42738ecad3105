import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import { GraphDirectory } from '../../src/connectors/graph/graph-directory.ts';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
import { smallSeed, started, TENANT_A, TENANT_B } from '../support/simulators.ts';

let sims: RunningSimulators;
let connectors: Connectors;
beforeEach(async () => {
  sims = await started(smallSeed(5000));
  connectors = connectTo(sims);
});
afterEach(async () => {
  await sims.close();
});

describe('GraphDirectory', () => {
  it('reads 5,000 users with 6 Graph requests (pages of 999, every property the sync uses)', async () => {
    const before = sims.requests.length;
    const users = await connectors.graph.readUsers(TENANT_A);
    expect(users).toHaveLength(5000);
    expect(new Set(users.map((u) => u.id)).size).toBe(5000);
    expect(users[0]).toMatchObject({
      id: 'a00000',
      proxyAddresses: ['SMTP:a00000@contoso.com'],
      accountEnabled: true,
      assignedLicenseSkuIds: ['sku'],
      usageLocation: 'US',
    });
    expect(requestsSince(sims, 'graph', before)).toEqual(Array(6).fill('GET /v1.0/users'));
  });

  it("sends background priority and a fresh client-request-id, and logs Graph's request-id", async () => {
    await connectors.graph.readOrganization(TENANT_A);
    await connectors.graph.readOrganization(TENANT_A);
    const sent = sims.requests.filter((r) => r.server === 'graph').map((r) => r.headers);
    expect(sent.map((h) => h['x-ms-throttle-priority'])).toEqual(['Low', 'Low']);
    expect(sent[0]!['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!['client-request-id']).not.toBe(sent[0]!['client-request-id']);
    expect(connectors.attempts.at(-1)).toMatchObject({
      service: 'graph',
      method: 'GET',
      status: 200,
      outcome: 'success',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('starts with a full read and a delta link, then reads only changes, deletions included', async () => {
    const first = await connectors.graph.readChanges(TENANT_A, null);
    expect(first).toMatchObject({ kind: 'full', reason: 'first read' });
    expect(first.kind === 'full' && first.users).toHaveLength(5000);

    const unchangedFrom = sims.requests.length;
    const unchanged = await connectors.graph.readChanges(TENANT_A, first.deltaLink);
    expect(unchanged).toMatchObject({ kind: 'delta', changed: [], removed: [] });
    expect(requestsSince(sims, 'graph', unchangedFrom)).toEqual(['GET /v1.0/users/delta']);

    sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'CFO' });
    sims.graph.updateUser(TENANT_A, 'a00001', { displayName: 'Renamed' });
    sims.graph.deleteUser(TENANT_A, 'a00002');
    sims.graph.deleteUser(TENANT_A, 'a00003', true);
    const changes = await connectors.graph.readChanges(TENANT_A, unchanged.deltaLink);
    expect(changes.kind).toBe('delta');
    if (changes.kind !== 'delta') return;
    expect(changes.changed.map((u) => [u.id, u.jobTitle, u.displayName])).toEqual([['a00001', 'CFO', 'Renamed']]);
    expect(changes.removed).toEqual([
      { id: 'a00002', permanent: false },
      { id: 'a00003', permanent: true },
    ]);
  });

  it.each([
    ['410 Gone', '410'],
    ['syncStateNotFound', 'syncStateNotFound'],
    ['resyncRequired', 'resyncRequired'],
    ['SyncStateNotFound on a 404', { status: 404, code: 'SyncStateNotFound' }],
    ['SYNCSTATEINVALID on a 409', { status: 409, code: 'SYNCSTATEINVALID' }],
  ] as const)('turns an invalid delta token (%s) into a full read', async (_name, mode) => {
    const first = await connectors.graph.readChanges(TENANT_A, null);
    sims.graph.deleteUser(TENANT_A, 'a00004');
    sims.graph.invalidateDeltaTokens(TENANT_A, mode);
    const again = await connectors.graph.readChanges(TENANT_A, first.deltaLink);
    expect(again.kind).toBe('full');
    if (again.kind !== 'full') return;
    expect(again.reason).toMatch(/no longer valid/);
    expect(again.users).toHaveLength(4999);
    expect(again.users.some((u) => u.id === 'a00004')).toBe(false);
    // The new link works.
    expect((await connectors.graph.readChanges(TENANT_A, again.deltaLink)).kind).toBe('delta');
  });

  it('renews an expired token and carries on', async () => {
    await connectors.graph.readOrganization(TENANT_A);
    const issued = sims.login.tokensIssued;
    sims.login.expireAllTokens();
    const organization = await connectors.graph.readOrganization(TENANT_A);
    expect(organization.displayName).toBe('Contoso Ltd');
    expect(sims.login.tokensIssued).toBe(issued + 1);
    expect(
      connectors.attempts
        .filter((a) => a.service === 'graph')
        .slice(-2)
        .map((a) => a.status),
    ).toEqual([401, 200]);
  });

  it("keeps one token per tenant: a second tenant never gets the first one's", async () => {
    const tokens = new GraphTokenProvider({ credential: sims.credentials.graph, loginBaseUrl: sims.urls.login });
    const a = await tokens.token(TENANT_A);
    const b = await tokens.token(TENANT_B);
    expect(b).not.toBe(a);
    expect(sims.login.check(`Bearer ${a}`)).toMatchObject({ ok: true, token: { tenantId: TENANT_A } });
    expect(sims.login.check(`Bearer ${b}`)).toMatchObject({ ok: true, token: { tenantId: TENANT_B } });
    expect(await tokens.token(TENANT_A)).toBe(a);
    expect(await tokens.token(TENANT_B)).toBe(b);
    expect(sims.login.tokensIssued).toBe(2);
  });

  it("reuses a tenant's token until shortly before it expires, then gets a new one", async () => {
    const tokens = new GraphTokenProvider({ credential: sims.credentials.graph, loginBaseUrl: sims.urls.login });
    const lifetimeMs = sims.login.tokenLifetimeSeconds * 1000;
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const first = await tokens.token(TENANT_A);
      vi.setSystemTime(Date.now() + lifetimeMs / 2);
      expect(await tokens.token(TENANT_A)).toBe(first);
      expect(sims.login.tokensIssued).toBe(1);
      // Within MSAL's renewal margin (5 minutes before expiry) a new token is fetched.
      vi.setSystemTime(Date.now() + lifetimeMs / 2 - 60_000);
      const renewed = await tokens.token(TENANT_A);
      expect(renewed).not.toBe(first);
      expect(sims.login.tokensIssued).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts transitiveMembers at 5 resource units in the Graph budget', async () => {
    const spent: { key: string; cost: number }[] = [];
    const graph = new GraphDirectory({
      tokens: new GraphTokenProvider({ credential: sims.credentials.graph, loginBaseUrl: sims.urls.login }),
      baseUrl: sims.urls.graph,
      budget: { acquire: async (key, cost = 1) => void spent.push({ key, cost }) },
    });
    await graph.readGroupMembers(TENANT_A, 'g-staff');
    await graph.readOrganization(TENANT_A);
    expect(spent).toEqual([
      { key: `graph:${TENANT_A}`, cost: 5 },
      { key: `graph:${TENANT_A}`, cost: 1 },
    ]);
  });

  it('names DelegatedAdminRelationship.Read.All when listing GDAP customers is refused', async () => {
    sims.graph.gdapPermission = false;
    const error = await connectors.graph
      .listCustomerTenants(sims.credentials.partnerTenantId)
      .catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/DelegatedAdminRelationship\.Read\.All.*partner tenant/);
  });

  it('reads the organization, one user, group members and GDAP customers', async () => {
    expect(await connectors.graph.readOrganization(TENANT_A)).toEqual({
      displayName: 'Contoso Ltd',
      countryLetterCode: 'US',
      businessPhones: ['+1 206 555 0100'],
    });
    expect((await connectors.graph.readUser(TENANT_A, 'a00007'))?.userPrincipalName).toBe('a00007@contoso.com');
    expect(await connectors.graph.readUser(TENANT_A, 'nobody')).toBeNull();
    expect(await connectors.graph.readGroupMembers(TENANT_A, 'g-staff')).toEqual(['a00000', 'a00001']);
    const customers = await connectors.graph.listCustomerTenants(sims.credentials.partnerTenantId);
    expect(customers.map((c) => c.displayName).sort()).toEqual(['Contoso Ltd', 'Fabrikam']);
  });

  it('says what to fix when the secret is wrong or consent is missing', async () => {
    const wrong = new GraphDirectory({
      tokens: new GraphTokenProvider({
        credential: { clientId: sims.credentials.graph.clientId, clientSecret: 'Zq8~not-the-secret' },
        loginBaseUrl: sims.urls.login,
      }),
      baseUrl: sims.urls.graph,
    });
    const error = await wrong.readOrganization(TENANT_A).catch((caught: unknown) => caught);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/AADSTS7000215.*client secret is wrong/);
    expect((error as Error).message).not.toContain('Zq8~not-the-secret');
    sims.login.registerApp({ clientId: 'no-consent', clientSecret: 'x-secret-value', consentedTenants: [] });
    const unconsented = new GraphDirectory({
      tokens: new GraphTokenProvider({
        credential: { clientId: 'no-consent', clientSecret: 'x-secret-value' },
        loginBaseUrl: sims.urls.login,
      }),
      baseUrl: sims.urls.graph,
    });
    await expect(unconsented.readOrganization(TENANT_A)).rejects.toThrow(/admin consent/);
  });

  it('honours Retry-After on a 429: the next attempt waits as long as Graph said', async () => {
    sims.setFaults('graph', { throttle429: 1 });
    const paused = connectTo(sims, {});
    const reading = paused.graph.readOrganization(TENANT_A);
    // Let the first attempt be throttled, then let the API recover.
    await new Promise((resolve) => setTimeout(resolve, 300));
    sims.setFaults('graph', {});
    await reading;
    const graph = sims.requests.filter((r) => r.server === 'graph');
    expect(graph[0]!.status).toBe(429);
    const waited = graph.at(-1)!.at - graph.at(-2)!.at;
    expect(waited).toBeGreaterThanOrEqual(1450); // the simulator said Retry-After: 1.5
    expect(paused.attempts.find((a) => a.status === 429)?.outcome).toMatch(/Retry-After 1.5/);
  });
});
