import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { buildCli, runCli } from '../support/cli.ts';
import { freePorts, startSimulatorsCommand, type RunningCommand } from '../support/simulators-command.ts';

/** `contactsync sandbox --targets LIST` and `simulators --targets LIST`: the demo's customers on other targets. */

const dir = mkdtempSync(join(tmpdir(), 'cli-targets-'));
const env = { CONTACTSYNC_DATA_DIR: dir };

beforeAll(() => buildCli(), 60_000);

interface ReportedUser {
  readonly userPrincipalName: string;
  readonly outcome: string;
  readonly rule: string | null;
  readonly [key: string]: unknown;
}
interface Dump {
  readonly report: { readonly tenants: { id: string; status: string; users: ReportedUser[] }[] };
  readonly requests: Record<string, Record<string, number>>;
  readonly [key: string]: any;
}

async function sandboxOn(targets: string | null): Promise<{ dump: Dump; stdout: string }> {
  const out = join(dir, `${targets?.replace(',', '-') ?? 'default'}.json`);
  const run = await runCli(
    ['sandbox', ...(targets === null ? [] : ['--targets', targets]), '--once', '--dump', out],
    env,
  );
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return { dump: JSON.parse(readFileSync(out, 'utf8')) as Dump, stdout: run.stdout };
}

/** what a person wrote on some of the demo's contacts */
const NOTE = 'Key contact for billing questions.';

const users = (dump: Dump) => dump.report.tenants.flatMap((t) => t.users);
/** How many users had `outcome` in the target's column. */
const count = (dump: Dump, target: string, outcome: string) => users(dump).filter((u) => u[target] === outcome).length;

describe('contactsync sandbox --targets LIST --once', () => {
  it('plays the demo on IT Glue and Autotask: every case of the demo occurs in Autotask, and BMS is absent', async () => {
    const { dump, stdout } = await sandboxOn('itglue,autotask');
    expect(stdout).toMatch(/into the IT Glue and Autotask simulators\./);
    expect(Object.keys(dump).sort()).toEqual(['autotask', 'itglue', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['autotask', 'graph', 'itglue']);
    expect(dump.report.tenants.map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
    for (const user of users(dump)) {
      expect(user).toHaveProperty('autotask');
      expect(user).not.toHaveProperty('bms');
    }
    // New people created, those Autotask already had by address linked, namesakes disputed.
    expect(count(dump, 'autotask', 'created')).toBeGreaterThan(100);
    expect(count(dump, 'autotask', 'linked')).toBeGreaterThan(0);
    expect(count(dump, 'autotask', 'disputed')).toBeGreaterThan(0);
    // IT Glue's Autotask integration mirrors some contacts: they change through Autotask alone.
    const mirrored = users(dump).filter((u) => u.itglue === 'mirrored');
    expect(mirrored.length).toBeGreaterThan(0);
    for (const user of mirrored) expect(user.autotask).toBe('updated');
    // Autotask is never sent a PUT (it blanks what it is not sent) nor a DELETE.
    expect(dump.requests.autotask).not.toHaveProperty('PUT');
    expect(dump.requests.autotask).not.toHaveProperty('DELETE');
    const contacts = dump.autotask.companies.flatMap((c: { contacts: { id: number }[] }) => c.contacts);
    const created = users(dump).filter((u) => u.autotask === 'created');
    for (const user of created) expect(contacts.map((c: { id: number }) => c.id)).toContain(user.autotaskContactId);
  }, 180_000);

  it('plays the demo on Autotask alone', async () => {
    const { dump, stdout } = await sandboxOn('autotask');
    expect(stdout).toMatch(/into the Autotask simulator\./);
    expect(Object.keys(dump).sort()).toEqual(['autotask', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['autotask', 'graph']);
    expect(count(dump, 'autotask', 'created')).toBeGreaterThan(100);
    expect(count(dump, 'autotask', 'linked')).toBeGreaterThan(0);
    expect(count(dump, 'autotask', 'disputed')).toBeGreaterThan(0);
  }, 180_000);

  it('plays the demo on Hudu and BMS: people as assets matched by alias, username and name', async () => {
    const { dump, stdout } = await sandboxOn('hudu,bms');
    expect(stdout).toMatch(/into the Hudu and BMS simulators\./);
    expect(Object.keys(dump).sort()).toEqual(['bms', 'hudu', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['bms', 'graph', 'hudu']);
    expect(dump.report.tenants.map((t) => t.status)).toEqual(['ok', 'ok', 'ok']);
    for (const user of users(dump)) {
      expect(user).toHaveProperty('hudu');
      expect(user).not.toHaveProperty('itglue');
    }
    const rules = new Set(users(dump).map((u) => u.rule));
    for (const rule of ['alias', 'username', 'name']) expect(rules).toContain(rule);
    expect(count(dump, 'hudu', 'created')).toBeGreaterThan(100);
    expect(count(dump, 'hudu', 'updated')).toBeGreaterThan(0);
    // Hudu mirrors nothing; the namesakes and the two assets of one name wait for a person.
    expect(count(dump, 'hudu', 'mirrored')).toBe(0);
    expect(users(dump).filter((u) => u.outcome === 'disputed').length).toBeGreaterThan(0);
    // A note a person wrote on an asset stays.
    const assets = dump.hudu.companies.flatMap((c: { assets: unknown[] }) => c.assets) as {
      fields: { label: string; value: string | null }[];
    }[];
    const noted = (contacts: { notes?: string | null }[]) => contacts.filter((c) => c.notes === NOTE).length;
    const seeded = noted(demoSeed().itglue!.organizations.flatMap((o) => o.contacts));
    expect(seeded).toBeGreaterThan(0);
    expect(assets.filter((a) => a.fields.some((f) => f.label === 'Notes' && f.value === NOTE))).toHaveLength(seeded);
    expect(dump.requests.hudu).not.toHaveProperty('DELETE');
    // Hudu has no location records: the demo names each customer's default place, so BMS gets a location.
    const held = users(dump).filter((u) => u.bms === 'held');
    expect(held.length).toBeGreaterThan(0);
    for (const user of held)
      expect((user.reasons as { code: string }[]).map((r) => r.code)).not.toContain('no-location');
  }, 180_000);

  it('plays the demo on Hudu alone', async () => {
    const { dump, stdout } = await sandboxOn('hudu');
    expect(stdout).toMatch(/into the Hudu simulator\./);
    expect(Object.keys(dump).sort()).toEqual(['hudu', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['graph', 'hudu']);
    expect(count(dump, 'hudu', 'created')).toBeGreaterThan(100);
  }, 180_000);

  it('plays the default demo on IT Glue and BMS, the same with --targets itglue,bms as without', async () => {
    const [named, plain] = [await sandboxOn('itglue,bms'), await sandboxOn(null)];
    expect(Object.keys(named.dump).sort()).toEqual(['bms', 'itglue', 'report', 'requests', 'tenants']);
    expect(named.dump.report).toEqual(plain.dump.report);
    expect(named.dump.requests).toEqual(plain.dump.requests);
    expect(count(named.dump, 'itglue', 'mirrored')).toBeGreaterThan(0);
  }, 180_000);
});

describe('--targets refused', () => {
  it('names the valid ids for an unknown id, two of one role, and --targets with --seed', async () => {
    const unknown = await runCli(['sandbox', '--targets', 'itglue,halo-ish', '--once'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/--targets takes the ids .*: itglue, hudu, bms, autotask \(not halo-ish\)\./);

    const twoPsas = await runCli(['simulators', '--targets', 'bms,autotask', '--config-out', join(dir, 'x.json')], env);
    expect(twoPsas.code).toBe(1);
    expect(twoPsas.stderr).toMatch(/--targets names two PSAs \(bms and autotask\): give at most one/);
    const twoDocs = await runCli(['sandbox', '--targets', 'hudu,itglue', '--once'], env);
    expect(twoDocs.stderr).toMatch(
      /--targets names two documentation platforms \(hudu and itglue\): give at most one documentation platform \(itglue, hudu\) and one PSA \(bms, autotask\)\./,
    );

    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ tenants: [] }));
    const both = await runCli(['sandbox', '--seed', seed, '--targets', 'bms', '--once'], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(
      /--targets .* a --seed file names its targets by its own keys: give one or the other\./,
    );

    for (const command of ['sandbox', 'simulators']) {
      const help = await runCli([command, '--help'], env);
      expect(help.stdout).toMatch(/--targets <ids>/);
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/itglue, hudu, bms, autotask/);
    }
  }, 120_000);
});

describe('contactsync simulators --targets LIST', () => {
  let running: RunningCommand | null = null;
  afterEach(() => {
    if (running !== null && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = null;
  });

  it('starts Hudu on N+7 and Autotask on N+4 with a config whose sync works; faults and the dump name them', async () => {
    const work = mkdtempSync(join(tmpdir(), 'simulators-targets-'));
    const port = await freePorts(8);
    running = await startSimulatorsCommand(
      ['--targets', 'hudu,autotask', '--config-out', 'cs.json', '--port', String(port), '--dump', 'out.json'],
      work,
    );
    expect(running.output()).toMatch(/seeded from the demo seed \(three customers\) on hudu, autotask:/);
    const config = JSON.parse(readFileSync(join(work, 'cs.json'), 'utf8'));
    expect(config.hudu).toMatchObject({ baseUrl: `http://127.0.0.1:${port + 7}`, apiKey: expect.any(String) });
    expect(config.autotask.baseUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port + 4}/`));
    expect(config.itglue).toBeUndefined();
    expect(config.bms).toBeUndefined();

    const sync = await runCli(['--config', 'cs.json', 'sync'], { CONTACTSYNC_DATA_DIR: join(work, 'data') }, work);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Contoso Ltd\s+ok/);

    const graph = `http://127.0.0.1:${port + 1}`;
    const fault = (api: string) =>
      fetch(`${graph}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api, latencyMs: 0 }),
      });
    expect((await fault('hudu')).status).toBe(200);
    expect((await fault('autotask')).status).toBe(200);
    expect((await fault('bms')).status).toBe(404);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const dump = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['autotask', 'hudu', 'requests', 'tenants']);
    expect(dump.requests.hudu.POST).toBeGreaterThan(0);
    expect(dump.requests.autotask.POST).toBeGreaterThan(0);
  }, 180_000);

  it('refuses a --port that leaves no room for Hudu at N+7', async () => {
    const refused = await runCli(['simulators', '--port', '65530', '--config-out', join(dir, 'y.json')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--port 65530 leaves no room for the simulators \(ports N to N\+7\)/);
  });
});
