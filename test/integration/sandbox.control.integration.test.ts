import { afterEach, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { graphToken, smallSeed, started, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

async function itglue(s: RunningSimulators, path = '/contact_types', init: RequestInit = {}): Promise<Response> {
  return fetch(`${s.urls.itglue!}${path}`, {
    ...init,
    headers: { 'x-api-key': s.credentials.itglueApiKey, 'content-type': 'application/vnd.api+json' },
    signal: AbortSignal.timeout(2_000),
  });
}

describe('fault injection', () => {
  it("injects 500s and 429s in each API's own error shape", async () => {
    sims = await started();
    sims.setFaults('itglue', { error500: 1 });
    const failed = await itglue(sims);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ errors: [{ status: 500 }] });
    sims.setFaults('graph', { throttle429: 1 });
    const throttled = await fetch(`${sims.urls.graph}/v1.0/users`, {
      headers: { authorization: `Bearer ${await graphToken(sims)}` },
    });
    expect(throttled.status).toBe(429);
    expect(await throttled.json()).toMatchObject({ error: { code: 'TooManyRequests' } });
  });

  it('resets connections, holds requests past the client timeout, and cuts JSON short', async () => {
    sims = await started();
    sims.setFaults('itglue', { reset: 1 });
    await expect(itglue(sims)).rejects.toThrow(/fetch failed/);
    sims.setFaults('itglue', { timeout: 1 });
    await expect(itglue(sims)).rejects.toThrow(/aborted|timeout/i);
    sims.setFaults('itglue', { malformedJson: 1 });
    const cut = await itglue(sims);
    expect(cut.status).toBe(200);
    await expect(cut.json()).rejects.toThrow(SyntaxError);
    expect(sims.requests.filter((r) => r.server === 'itglue').map((r) => r.fault)).toEqual([
      'reset',
      'timeout',
      'malformedJson',
    ]);
  });

  it('injects at the fraction asked, reproducibly for a given seed, and changes no state', async () => {
    const run = async () => {
      const s = await startSimulators(smallSeed(), { faultSeed: 42 });
      s.setFaults('itglue', { error500: 0.3 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) {
        const response = await itglue(s, '/contacts', {
          method: 'POST',
          body: JSON.stringify({
            data: { type: 'contacts', attributes: { 'organization-id': 1, 'first-name': `N${i}` } },
          }),
        });
        statuses.push(response.status);
      }
      const created = s.itglue.contactsOf('1').length;
      await s.close();
      return { statuses, created };
    };
    const first = await run();
    const failures = first.statuses.filter((s) => s === 500).length;
    expect(failures).toBeGreaterThan(40);
    expect(failures).toBeLessThan(80);
    expect(first.created).toBe(200 - failures);
    expect((await run()).statuses).toEqual(first.statuses);
  });

  it('adds latency per server', async () => {
    sims = await started();
    sims.setLatency('itglue', 150);
    const startedAt = performance.now();
    await itglue(sims);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });
});

describe('request log', () => {
  it('records method, path, route, status and time, and counts per API and method', async () => {
    sims = await started();
    const token = await graphToken(sims);
    await fetch(`${sims.urls.graph}/v1.0/users?$top=1`, { headers: { authorization: `Bearer ${token}` } });
    await itglue(sims);
    await itglue(sims, '/contacts', {
      method: 'POST',
      body: '{"data": {"type": "contacts", "attributes": {"organization-id": 1}}}',
    });
    expect(sims.requests.find((r) => r.server === 'graph')).toMatchObject({
      method: 'GET',
      path: '/v1.0/users',
      route: '/v1.0/users',
      status: 200,
      ms: expect.any(Number),
    });
    expect(sims.requestCounts()).toEqual({ graph: { GET: 1 }, itglue: { GET: 1, POST: 1 }, bms: {} });
  });
});

describe('control surface', () => {
  it('mutates users as an admin would, and edits contacts as a technician would', async () => {
    sims = await started();
    sims.graph.updateUser(TENANT_A, 'a00000', { jobTitle: 'CEO' });
    sims.graph.disableUser(TENANT_A, 'a00001');
    sims.graph.deleteUser(TENANT_A, 'a00002');
    expect(sims.graph.users(TENANT_A).map((u) => [u.id, u.jobTitle ?? null, u.accountEnabled])).toEqual([
      ['a00000', 'CEO', true],
      ['a00001', null, false],
    ]);
    sims.graph.restoreUser(TENANT_A, 'a00002');
    expect(sims.graph.users(TENANT_A)).toHaveLength(3);
    const id = sims.itglue.addContact('1', {
      'first-name': 'Hand',
      'contact-emails': [{ value: 'hand@contoso.com', primary: true, 'label-name': 'Work' }],
    });
    sims.itglue.editContact(id, { notes: 'VIP' });
    const bmsId = sims.bms.addContact(1, { firstName: 'Hand', emailAddress: 'hand@contoso.com' });
    sims.bms.editContact(bmsId, { isActive: false });
    const dump = sims.dump();
    expect(dump.itglue!.organizations[0]!.contacts).toEqual([
      expect.objectContaining({ id, 'first-name': 'Hand', notes: 'VIP' }),
    ]);
    expect(dump.bms!.accounts[0]!.contacts).toEqual([expect.objectContaining({ id: bmsId, isActive: false })]);
  });
});

describe('the demo seed', () => {
  const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
  const users = seed.tenants.flatMap((t) => t.users);

  it('has 3 customer tenants and 250–400 users, mapped to IT Glue and BMS by name', () => {
    expect(seed.tenants.map((t) => t.displayName)).toEqual(['Contoso Ltd', 'Fabrikam GmbH', 'Northwind Traders']);
    expect(users.length).toBeGreaterThanOrEqual(250);
    expect(users.length).toBeLessThanOrEqual(400);
    expect(seed.itglue!.organizations.map((o) => o.name)).toEqual(seed.tenants.map((t) => t.displayName));
    expect(seed.bms!.accounts.map((a) => a.name)).toEqual(seed.tenants.map((t) => t.displayName));
  });

  it('holds the hard cases: guests, disabled, unlicensed, a room, no phones, four countries, accents and other scripts', () => {
    expect(users.some((u) => u.userType === 'Guest' && u.userPrincipalName.includes('#EXT#'))).toBe(true);
    expect(users.filter((u) => !u.accountEnabled).length).toBeGreaterThan(3);
    expect(users.filter((u) => u.assignedLicenses.length === 0 && u.accountEnabled).length).toBeGreaterThan(3);
    expect(users.some((u) => u.displayName === 'Boardroom')).toBe(true);
    expect(users.filter((u) => u.businessPhones.length === 0 && u.mobilePhone === null).length).toBeGreaterThan(5);
    for (const prefix of [/^\(206\)|^\+1 /, /^030 |^\+49 /, /^020 |^\+44 /, /^\(02\)|^\+61 /]) {
      expect(users.some((u) => prefix.test(u.businessPhones[0] ?? ''))).toBe(true);
    }
    expect(users.some((u) => /[éëçüöøł]/i.test(`${u.givenName}${u.surname}`))).toBe(true);
    expect(
      users.some((u) => /\p{Script=Han}|\p{Script=Cyrillic}|\p{Script=Greek}/u.test(`${u.givenName}${u.surname}`)),
    ).toBe(true);
  });

  it('holds contacts that users must match by alias, by UPN and by name, and same-name pairs', () => {
    const contacts = seed.itglue!.organizations.flatMap((o) => o.contacts);
    const emails = new Set(contacts.flatMap((c) => c['contact-emails'].map((e) => e.value.toLowerCase())));
    const aliases = users.flatMap((u) =>
      u.proxyAddresses.filter((p) => p.startsWith('smtp:')).map((p) => p.slice(5).toLowerCase()),
    );
    expect(aliases.filter((a) => emails.has(a)).length).toBeGreaterThan(10);
    expect(
      users.filter(
        (u) => u.userPrincipalName.includes('.onmicrosoft.com') && emails.has(u.userPrincipalName.toLowerCase()),
      ).length,
    ).toBeGreaterThan(5);
    const names = contacts.map((c) => `${c['first-name']}|${c['last-name']}`);
    expect(names.length - new Set(names).size).toBeGreaterThan(2);
    const bmsEmails = new Set(seed.bms!.accounts.flatMap((a) => a.contacts.map((c) => c.emailAddress?.toLowerCase())));
    const bmsOnly = users.filter(
      (u) => u.mail !== null && bmsEmails.has(u.mail.toLowerCase()) && !emails.has(u.mail.toLowerCase()),
    );
    expect(bmsOnly.length).toBeGreaterThan(3);
  });

  it('loads into the simulators, and dumps back to the same records', async () => {
    sims = await startSimulators(seed);
    const dump = parseSeed(JSON.parse(JSON.stringify(sims.dump())));
    const byId = <T extends { id: string | number }>(items: readonly T[]) =>
      [...items].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(dump.tenants.map((t) => byId(t.users))).toEqual(seed.tenants.map((t) => byId(t.users)));
    // A seed may date its contacts; the dump keeps the records, not the simulator's dates.
    const undated = (contacts: readonly Record<string, unknown>[]) =>
      contacts.map(
        ({ 'created-at': _c, 'updated-at': _u, ...rest }) => rest as (typeof contacts)[number] & { id: string },
      );
    expect(dump.itglue!.organizations.map((o) => byId(o.contacts))).toEqual(
      seed.itglue!.organizations.map((o) => byId(undated(o.contacts))),
    );
    expect(dump.bms).toEqual(seed.bms);
  });
});

describe('seed files', () => {
  it('reads a seed file, and names every problem of a bad one with its path', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { readSeedFile, SeedError } = await import('../../src/sandbox/seed.ts');
    const dir = await mkdtemp(join(tmpdir(), 'seed-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(smallSeed()));
    expect((await readSeedFile(good)).tenants).toHaveLength(2);
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        tenants: [{ id: 't', displayName: 'T', initialDomain: 't', users: [{ userPrincipalName: 'x@y' }] }],
        bms: { accounts: [{ id: 'one', name: 'A' }] },
      }),
    );
    const error = await readSeedFile(bad).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeedError);
    expect((error as InstanceType<typeof SeedError>).problems).toEqual([
      expect.stringMatching(/^tenants\.0\.users\.0\.id: /),
      expect.stringMatching(/^bms\.accounts\.0\.id: /),
    ]);
    await writeFile(bad, '{ not json');
    await expect(readSeedFile(bad)).rejects.toThrow(
      /is not valid JSON: a key must be in double quotes at line 1, column 3/,
    );
    await expect(readSeedFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot be read/);
  });
});

describe("the seed's simulate block", () => {
  it('reaches the simulators: the BMS page cap and dropped fields, the contacts IT Glue keeps in step with BMS', async () => {
    sims = await startSimulators(
      parseSeed({
        ...smallSeed(3, {
          itglue: {
            organizations: [{ id: '1', name: 'Contoso Ltd', contacts: [{ id: '100', 'first-name': 'Ann' }] }],
          },
        }),
        simulate: { bms: { pageSizeCap: 37, ignoreFields: ['phones'] }, itglue: { psaSynced: { '100': 500 } } },
      }),
    );
    expect(sims.bms.simulate).toEqual({
      pageSizeCap: 37,
      ignoreFields: ['phones'],
      keyCase: 'camel',
      createStatus: 200,
      typeLists: true,
      mfa: false,
    });
    expect(sims.itglue.simulate).toEqual({ psaSynced: { '100': 500 }, psaIdLists: false });
  });

  it('defaults to a BMS that caps pages at 100 and drops nothing, and refuses a misspelt knob by its path', () => {
    expect(smallSeed().simulate).toEqual({
      bms: { pageSizeCap: 100, ignoreFields: [], keyCase: 'camel', createStatus: 200, typeLists: true, mfa: false },
      itglue: { psaSynced: {}, psaIdLists: false },
      autotask: {
        pageSizeCap: 500,
        ignoreFields: [],
        requiredFields: [],
        hourlyLimit: 10_000,
        otherIntegrationsPerHour: 0,
        serviceMs: 0,
        delayPastHalfMs: 0,
      },
      hudu: { pageSizeCap: 1000, ignoreFields: [], rateLimit: 1500, destructive: true, companyScope: null },
      connectwise: { pageSizeCap: 1000, ignoreFields: [], rateLimit: null },
      halo: { pageSizeCap: 100, ignoreFields: [], requestLimit: 300, windowMs: 300_000, otherToolsPerWindow: 0 },
    });
    // every problem at once, each by its path (in the order of the targets' registry)
    const misspelt = () => parseSeed({ simulate: { bms: { pageSize: 10 }, itglue: { psaSynced: { '1': 'x' } } } });
    expect(misspelt).toThrow(/simulate\.bms: "pageSize" is not a key here \(did you mean "pageSizeCap"\?\)/);
    expect(misspelt).toThrow(/simulate\.itglue\.psaSynced\.1: /);
  });
});
