import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { buildCli, runCli } from '../support/cli.ts';
import { smallSeed, started, TENANT_A, TENANT_B } from '../support/simulators.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const env = { CONTACTSYNC_DATA_DIR: dir };

beforeAll(() => buildCli(), 60_000);

describe('contactsync sandbox --seed FILE --once --dump OUT', () => {
  it('syncs every tenant of the seed and writes the three systems, the report and the request counts', async () => {
    const seedFile = join(dir, 'seed.json');
    writeFileSync(seedFile, JSON.stringify(smallSeed(4)));
    const out = join(dir, 'out.json');
    // the temporary folder the sandbox's own state database goes to without --db
    const temporary = join(dir, 'tmp');
    mkdirSync(temporary);
    const run = await runCli(['sandbox', '--seed', seedFile, '--once', '--dump', out], { ...env, TMPDIR: temporary });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Contoso Ltd\s+ok\s+4/);
    // Without --db the state database is temporary: it is said so, and nothing of it stays behind.
    expect(run.stdout).toMatch(/State database: \S+ \(temporary: removed on exit; keep one with --db FILE\)/);
    expect(readdirSync(temporary)).toEqual([]);
    const dump = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['bms', 'itglue', 'report', 'requests', 'tenants']);
    expect(dump.report.tenants.map((t: { id: string; status: string }) => [t.id, t.status])).toEqual([
      [TENANT_A, 'ok'],
      [TENANT_B, 'unmapped'],
    ]);
    expect(dump.report.tenants[0].users).toHaveLength(4);
    expect(dump.report.tenants[0].users[0]).toEqual({
      userId: 'a00000',
      userPrincipalName: 'a00000@contoso.com',
      outcome: 'synced',
      rule: null,
      itglue: 'created',
      itglueContactId: expect.any(String),
      bms: 'created',
      bmsContactId: expect.any(Number),
      reasons: [],
    });
    expect(dump.itglue.organizations[0].contacts).toHaveLength(4);
    expect(dump.bms.accounts[0].contacts).toHaveLength(4);
    // Graph: the delta link and one page; IT Glue: organizations, contact types, locations, contacts, the first create
    // alone and read back, then the others in bulk; BMS: login, accounts (the lookup gives no total: the second page,
    // the same as the first, shows the end), types, locations, contacts, then one create per contact, the first read
    // back.
    expect(dump.requests).toEqual({ graph: { GET: 2 }, itglue: { GET: 5, POST: 2 }, bms: { POST: 5, GET: 7 } });
    expect(dump.tenants.map((t: { users: unknown[] }) => t.users.length)).toEqual([4, 2]);
  });

  it('names every problem of a bad seed and exits non-zero', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tenants: [{ displayName: 'x' }] }));
    const run = await runCli(['sandbox', '--seed', bad, '--once'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not a valid seed:[\s\S]*tenants\.0\.id/);
  });

  it('has --help on every command', async () => {
    const top = await runCli(['--help'], env);
    const commands = [...top.stdout.slice(top.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((m) => m[1]!)
      .filter((c) => c !== 'help');
    expect(commands).toEqual(
      expect.arrayContaining([
        'init',
        'doctor',
        'tenants',
        'plan',
        'sync',
        'daemon',
        'conflicts',
        'approve',
        'contact',
        'runs',
        'audit',
        'migrate',
        'user',
        'sandbox',
      ]),
    );
    const groups: Record<string, string[]> = {
      tenants: ['list', 'discover', 'map', 'unmap', 'settings'],
      conflicts: ['list', 'resolve'],
      contact: ['show', 'sync-now', 'disable', 'enable'],
      runs: ['list', 'show'],
      user: ['add'],
    };
    const all = commands.flatMap((c) => [[c], ...(groups[c] ?? []).map((sub) => [c, sub])]);
    // Two at a time: each is a process of its own that takes about a second of CPU to start.
    const runs: Awaited<ReturnType<typeof runCli>>[] = [];
    for (let i = 0; i < all.length; i += 2)
      runs.push(...(await Promise.all(all.slice(i, i + 2).map((args) => runCli([...args, '--help'], env)))));
    for (const [i, run] of runs.entries()) {
      expect(run.code, all[i]!.join(' ')).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: contactsync ${all[i]!.join(' ')}`));
    }
  }, 180_000);
});

describe('contactsync sync --config FILE', () => {
  let sims: RunningSimulators;
  let config: string;
  beforeAll(async () => {
    sims = await started(smallSeed(3));
    config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: { sqlitePath: join(dir, 'sync.db') },
        microsoft: {
          clientId: sims.credentials.graph.clientId,
          loginUrl: sims.urls.login,
          graphUrl: sims.urls.graph,
          partnerTenantId: sims.credentials.partnerTenantId,
        },
        itglue: { baseUrl: sims.urls.itglue! },
        bms: { userName: sims.credentials.bms.userName, tenant: sims.credentials.bms.tenant, baseUrl: sims.urls.bms! },
        settings: { deletionGuard: { minCount: 2, maxFraction: 0.1 } },
      }),
    );
  });
  afterAll(async () => {
    await sims.close();
  });
  const secrets = () => ({
    ...env,
    CONTACTSYNC_MS_CLIENT_SECRET: sims.credentials.graph.clientSecret,
    CONTACTSYNC_ITGLUE_API_KEY: sims.credentials.itglueApiKey,
    CONTACTSYNC_BMS_PASSWORD: sims.credentials.bms.password,
  });

  it('lists every missing secret at once', async () => {
    const run = await runCli(['sync', '--config', config], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('microsoft.clientSecret');
    expect(run.stderr).toContain('itglue.apiKey');
    expect(run.stderr).toContain('bms.password');
  });

  it('names unknown and malformed keys of the config', async () => {
    const bad = join(dir, 'bad-config.json');
    writeFileSync(bad, JSON.stringify({ microsoft: { clientId: '' }, itglue: { region: 'mars' }, extra: 1 }));
    const run = await runCli(['sync', '--config', bad], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/microsoft\.clientId/);
    expect(run.stderr).toMatch(/itglue\.region: must be one of "us", "eu" or "au"/);
    expect(run.stderr).toMatch(/"extra" is not a key here/);
  });

  it('discovers the customer tenants, previews with --dry-run without writing, then syncs', async () => {
    const before = sims.requests.length;
    const preview = await runCli(['sync', '--config', config, '--dry-run', '--json'], secrets());
    expect(preview.code, preview.stderr).toBe(0);
    const planned = JSON.parse(preview.stdout);
    expect(
      planned.tenants
        .find((t: { id: string }) => t.id === TENANT_A)
        .users.map((u: { itglue: string; bms: string }) => `${u.itglue}/${u.bms}`),
    ).toEqual(['created/created', 'created/created', 'created/created']);
    expect(
      sims.requests
        .slice(before)
        .filter((r) => r.method !== 'GET' && !r.route.includes('token') && !r.route.includes('authenticate')),
    ).toEqual([]);

    const run = await runCli(['sync', '--config', config, '--tenant', TENANT_A], secrets());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Contoso Ltd\s+ok\s+3/);
    expect(sims.itglue.contactsOf('1')).toHaveLength(3);
    // The secrets never reach the output.
    for (const secret of [
      sims.credentials.graph.clientSecret,
      sims.credentials.itglueApiKey,
      sims.credentials.bms.password,
    ]) {
      expect(run.stdout + run.stderr + preview.stdout + preview.stderr).not.toContain(secret);
    }
  });

  it('refuses an unknown tenant, naming the known ones, and finds one typed loosely', async () => {
    const run = await runCli(['sync', '--config', config, '--tenant', 'nope'], secrets());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No tenant "nope"\. The tenants are: .*Contoso Ltd/);
    const typo = await runCli(['plan', '--config', config, '--tenant', 'Contso Ltd'], secrets());
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe('contactsync: No tenant "Contso Ltd". Did you mean "Contoso Ltd"?\n');
    const loose = await runCli(['plan', '--config', config, '--tenant', '  contoso   LTD '], secrets());
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stdout).toMatch(/^Contoso Ltd — /m);
  });

  it('exits 2 when a tenant waits for approval of inactivations', async () => {
    for (const user of sims.graph.users(TENANT_A)) sims.graph.deleteUser(TENANT_A, user.id);
    const run = await runCli(['sync', '--config', config, '--tenant', TENANT_A], secrets());
    expect(run.stdout).toMatch(/Contoso Ltd\s+needs approval/);
    expect(run.code).toBe(2);
  });
});
