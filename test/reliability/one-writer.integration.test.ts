import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil, type CliProcess } from '../support/cli-process.ts';
import { freshPostgres } from '../support/databases.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { duplicateContacts } from '../support/visible-state.ts';

/**
 * Overlapping runs of one tenant, from every entry point (CLI sync, a worker, the daemon, the web UI's Sync, the REST
 * API's Sync now), on SQLite and on PostgreSQL: the second run is refused or deferred with who holds the tenant, and
 * the 50 new users become 50 IT Glue and 50 BMS contacts, never more.
 */
const NEW_USERS = 50;
const BUSY = /Contoso Ltd is being synced by (\S+) \(process (\d+)\) since \d\d:\d\d UTC; try again when it ends\./;

interface World {
  readonly sims: RunningSimulators;
  readonly config: string;
  readonly env: Record<string, string>;
  /** the runs of the state database that have not finished */
  openRuns(): Promise<number>;
  close(): Promise<void>;
}

const processes: CliProcess[] = [];
const worlds: World[] = [];

async function world(database: 'sqlite' | 'postgres'): Promise<World> {
  const sims = await startSimulators(smallSeed(NEW_USERS));
  // Slow enough writes that a run lasts seconds: the second run starts while the first one writes.
  sims.setLatency('itglue', 40);
  sims.setLatency('bms', 60);
  const dir = mkdtempSync(join(tmpdir(), 'one-writer-'));
  const sqlitePath = join(dir, 'state.db');
  const server = database === 'postgres' ? await freshPostgres() : null;
  const config = simulatorConfig(sims, dir, {
    database: { sqlitePath, leaseSeconds: 3 },
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
  });
  const env: Record<string, string> = {
    CONTACTSYNC_DATA_DIR: dir,
    CONTACTSYNC_USER_PASSWORD: 'a long enough password',
    ...(server === null ? {} : { DATABASE_URL: server.url }),
  };
  const migrated = await runCli(['--config', config, 'migrate'], env);
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  const created: World = {
    sims,
    config,
    env,
    async openRuns() {
      const sql = 'SELECT count(*) AS n FROM runs WHERE finished_at IS NULL';
      if (server === null) {
        const db = new SQLite(sqlitePath);
        try {
          return Number((db.prepare(sql).get() as { n: number }).n);
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
      } finally {
        await client.end();
      }
    },
    async close() {
      await sims.close();
      await server?.dispose();
    },
  };
  worlds.push(created);
  return created;
}

function start(w: World, args: readonly string[]): CliProcess {
  const started = startCli(['--config', w.config, ...args], w.env);
  processes.push(started);
  return started;
}

/** A run of the tenant is writing (it holds the tenant). */
const running = (w: World) => waitUntil('a run in progress', async () => (await w.openRuns()) > 0, 60_000);

/** Every new user is in IT Glue and in BMS, each exactly once. */
async function allSyncedOnce(w: World): Promise<void> {
  const counts = () => {
    const dump = w.sims.dump();
    return {
      itglue: dump.itglue!.organizations.flatMap((o) => o.contacts).length,
      bms: dump.bms!.accounts.flatMap((a) => a.contacts).length,
    };
  };
  await waitUntil('every new user in BMS', () => counts().bms >= NEW_USERS, 90_000);
  await waitUntil('no run in progress', async () => (await w.openRuns()) === 0, 60_000);
  expect(duplicateContacts(w.sims)).toEqual([]);
  expect(counts()).toEqual({ itglue: NEW_USERS, bms: NEW_USERS });
}

async function apiToken(w: World): Promise<string> {
  const added = await runCli(['--config', w.config, 'token', 'add', 'automation', '--role', 'admin'], w.env);
  return added.stdout.trim().split('\n').at(-1)!;
}

async function serve(w: World): Promise<{ url: string; process: CliProcess }> {
  const served = start(w, ['serve', '--port', '0']);
  const [, url] = await served.waitFor(/web UI: (http:\/\/[^/\s]+)\//);
  return { url: url!.replace('0.0.0.0', '127.0.0.1'), process: served };
}

/** Signs in through the sign-in form, as a browser does: the session cookie. */
async function signIn(url: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username: 'tech', password: 'a long enough password' }).toString(),
  });
  return [...cookies, ...response.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
}

beforeAll(() => buildCli(), 120_000);

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

describe.each(['sqlite', 'postgres'] as const)('one writer per tenant on %s', (database) => {
  it('CLI sync + CLI sync: the second is refused with who holds the tenant (exit 4), no duplicate', async () => {
    const w = await world(database);
    const first = start(w, ['sync']);
    await running(w);
    const second = await runCli(['--config', w.config, 'sync'], w.env);
    expect(second.code, second.stderr).toBe(4);
    const busy = BUSY.exec(second.stderr);
    expect(busy, second.stderr).not.toBeNull();
    expect(busy![1]).toMatch(/^cli:/);
    expect(Number(busy![2])).toBe(first.child.pid);
    expect(await first.exited).toBe(0);
    await allSyncedOnce(w);
  }, 180_000);

  it('two daemons on one database: each tenant run by one at a time, no duplicate', async () => {
    const w = await world(database);
    const daemons = [start(w, ['daemon', '--poll-seconds', '1']), start(w, ['daemon', '--poll-seconds', '1'])];
    await allSyncedOnce(w);
    for (const daemon of daemons) {
      expect(await daemon.stop()).toBe(0);
      expect(daemon.output()).not.toMatch(/failed/);
    }
  }, 180_000);

  it('web Sync beside the daemon: the page says who holds the tenant, no duplicate', async () => {
    const w = await world(database);
    await runCli(['--config', w.config, 'user', 'add', 'tech', '--role', 'admin'], w.env);
    const { url } = await serve(w);
    const cookie = await signIn(url);
    const dashboard = await (await fetch(`${url}/`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(dashboard)![1]!;
    start(w, ['daemon', '--poll-seconds', '1']);
    await running(w);
    const sync = await fetch(`${url}/tenants/${TENANT_A}/sync`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, next: '/' }).toString(),
    });
    expect(sync.status).toBe(303);
    const after = await (await fetch(`${url}/`, { headers: { cookie } })).text();
    expect(after).toMatch(/Contoso Ltd is being synced by daemon \(process \d+\) since \d\d:\d\d UTC/);
    await allSyncedOnce(w);
  }, 180_000);

  it('REST Sync and Sync now beside a CLI sync: 409 with who holds the tenant, no duplicate', async () => {
    const w = await world(database);
    const token = await apiToken(w);
    const { url } = await serve(w);
    const sync = start(w, ['sync']);
    await running(w);
    const headers = { authorization: `Bearer ${token}` };
    const tenantSync = await fetch(`${url}/api/tenants/${TENANT_A}/sync`, { method: 'POST', headers });
    expect(tenantSync.status).toBe(409);
    expect((await tenantSync.json()) as unknown).toMatchObject({
      error: { code: 'Conflict', message: expect.stringMatching(BUSY) },
    });
    const syncNow = await fetch(`${url}/api/contacts/${TENANT_A}/a00000/sync-now`, { method: 'POST', headers });
    expect(syncNow.status).toBe(409);
    expect((await syncNow.json()) as unknown).toMatchObject({
      error: { code: 'Conflict', message: expect.stringMatching(BUSY) },
    });
    expect(await sync.exited).toBe(0);
    await allSyncedOnce(w);
  }, 180_000);
});

// Workers are the scale-out mode: PostgreSQL only.
describe('one writer per tenant with workers (PostgreSQL)', () => {
  it('CLI sync beside a worker: refused with the worker named, no duplicate', async () => {
    const w = await world('postgres');
    start(w, ['worker', '--poll-seconds', '1', '--concurrency', '1']);
    await running(w);
    const cli = await runCli(['--config', w.config, 'sync'], w.env);
    expect(cli.code, cli.stderr).toBe(4);
    expect(BUSY.exec(cli.stderr)?.[1]).toBe('worker');
    await allSyncedOnce(w);
  }, 180_000);
});
