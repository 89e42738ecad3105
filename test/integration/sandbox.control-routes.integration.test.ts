import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { graphToken, smallSeed, started, TENANT_A, user } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeEach(async () => {
  sims = await started(smallSeed(2));
});
afterEach(async () => {
  await sims.close();
});

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sims.urls.graph}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** One delta round from `link` (the start of tracking when null), as the product reads it. */
async function delta(link: string | null): Promise<{ value: Record<string, any>[]; deltaLink: string }> {
  const token = await graphToken(sims);
  let next = link ?? `${sims.urls.graph}/v1.0/users/delta?$select=id,jobTitle`;
  const value: Record<string, any>[] = [];
  for (;;) {
    const page = (await (await fetch(next, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<
      string,
      any
    >;
    value.push(...page.value);
    if (page['@odata.deltaLink'] !== undefined) return { value, deltaLink: page['@odata.deltaLink'] };
    next = String(page['@odata.nextLink']);
  }
}

describe("the simulators' control routes, on the Graph simulator's port", () => {
  it('GET /_sim/state gives the three systems and the request counts, without credentials', async () => {
    const state = await control('GET', '/_sim/state');
    expect(state.status).toBe(200);
    expect(Object.keys(state.body).sort()).toEqual(['bms', 'itglue', 'requests', 'tenants']);
    expect(state.body.tenants.map((t: any) => t.displayName)).toEqual(['Contoso Ltd', 'Fabrikam']);
    expect(state.body.requests).toEqual({ graph: {}, itglue: {}, bms: {} });
  });

  it('adds, changes and soft-deletes users, each showing in /users/delta as Graph shows it', async () => {
    const start = await delta(null);
    const added = await control('POST', `/_sim/tenants/${TENANT_A}/users`, user('hire', { jobTitle: 'Analyst' }));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ id: 'hire', userPrincipalName: 'hire@contoso.com', otherMails: [] });
    const afterAdd = await delta(start.deltaLink);
    expect(afterAdd.value).toEqual([{ id: 'hire', jobTitle: 'Analyst' }]);

    const changed = await control('PATCH', `/_sim/tenants/${TENANT_A}/users/hire`, { jobTitle: 'Lead' });
    expect(changed).toMatchObject({ status: 200, body: { id: 'hire', jobTitle: 'Lead', givenName: 'User' } });
    expect((await delta(afterAdd.deltaLink)).value).toEqual([{ id: 'hire', jobTitle: 'Lead' }]);

    const last = await delta(null);
    expect((await control('DELETE', `/_sim/tenants/${TENANT_A}/users/hire`)).status).toBe(200);
    expect((await delta(last.deltaLink)).value).toEqual([{ id: 'hire', '@removed': { reason: 'changed' } }]);
    expect(sims.graph.deletedUsers(TENANT_A).map((u) => u.id)).toEqual(['hire']);
  });

  it('refuses what it cannot do, saying why', async () => {
    expect((await control('POST', '/_sim/tenants/nope/users', user('x'))).status).toBe(404);
    const invalid = await control('POST', `/_sim/tenants/${TENANT_A}/users`, { id: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.problems).toEqual(expect.arrayContaining([expect.stringContaining('userPrincipalName')]));
    expect((await control('POST', `/_sim/tenants/${TENANT_A}/users`, user('a00000'))).status).toBe(409);
    expect((await control('PATCH', `/_sim/tenants/${TENANT_A}/users/nobody`, { jobTitle: 'x' })).status).toBe(404);
    expect((await control('PATCH', `/_sim/tenants/${TENANT_A}/users/a00000`, { accountEnabled: 'yes' })).status).toBe(
      400,
    );
    expect((await control('DELETE', `/_sim/tenants/${TENANT_A}/users/nobody`)).status).toBe(404);
  });

  it('sets fault rates and latency per API; the control routes themselves are never faulted or counted', async () => {
    const set = await control('POST', '/_sim/faults', { api: 'graph', error500: 1, latencyMs: 50 });
    expect(set).toEqual({
      status: 200,
      body: { api: 'graph', error500: 1, throttle429: 0, timeout: 0, latencyMs: 50 },
    });
    const token = await graphToken(sims);
    const sentAt = Date.now();
    const faulted = await fetch(`${sims.urls.graph}/v1.0/organization`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(faulted.status).toBe(500);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(45);
    const state = await control('GET', '/_sim/state');
    expect(state.status).toBe(200);
    expect(state.body.requests.graph).toEqual({ GET: 1 });
    await control('POST', '/_sim/faults', { api: 'graph' });
    const healthy = await fetch(`${sims.urls.graph}/v1.0/organization`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(healthy.status).toBe(200);
    const wrong = await control('POST', '/_sim/faults', { api: 'graph', error500: 0.7, throttle429: 0.5, reset: 1 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.problems.join(' ')).toMatch(
      /reset[\s\S]*add up to more than 1|add up to more than 1[\s\S]*reset/,
    );
  });
});
