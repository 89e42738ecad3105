import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedSeed } from '../../bench/api-economy/generated-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { advisoryLockKey } from '../../src/store/advisory-lock.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { freshPostgres } from '../support/databases.ts';

const TENANTS = 40;
const USERS = 5;
// Compressed limits, so that three workers would overrun them without a shared budget.
const ITGLUE_LIMIT = { limit: 60, windowMs: 2_000 };
const BMS_LIMIT = { limit: 40, windowMs: 2_000 };

let sims: RunningSimulators;
let database: { url: string; dispose(): Promise<void> };
let config: string;
let dir: string;
const workers: { child: ChildProcess; output: string; exited: Promise<number | null> }[] = [];

function startWorker(): (typeof workers)[number] {
  const { DATABASE_URL: _outer, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      cliEntry(),
      '--config',
      config,
      'worker',
      '--concurrency',
      '2',
      '--poll-seconds',
      '2',
      '--job-timeout',
      '8',
      '--retries',
      '1',
    ],
    {
      env: { ...env, DATABASE_URL: database.url, CONTACTSYNC_DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const worker = {
    child,
    output: '',
    exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stdout!.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (worker.output += chunk.toString()));
  workers.push(worker);
  return worker;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}\n${workers.map((w, i) => `--- worker ${i}\n${w.output.slice(-2000)}`).join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const bmsContacts = () => sims.bms.dump().accounts.flatMap((a) => a.contacts.map((c) => ({ ...c, accountId: a.id })));
const itglueContacts = () =>
  sims.itglue.dump().organizations.flatMap((o) => o.contacts.map((c) => ({ ...c, organizationId: o.id })));
const syncedEverywhere = (expectedPerTenant: number) => () => {
  const perAccount = new Map<number, number>();
  for (const c of bmsContacts()) perAccount.set(c.accountId, (perAccount.get(c.accountId) ?? 0) + 1);
  return perAccount.size === TENANTS && [...perAccount.values()].every((n) => n >= expectedPerTenant);
};

/** The most requests seen in any window of the limit's length, per limited key. */
function busiestWindow(server: 'itglue' | 'bms', windowMs: number): number {
  const times = new Map<string, number[]>();
  for (const r of sims.requests.filter((q) => q.server === server && q.fault === null)) {
    const key = server === 'bms' ? `${r.method} ${r.route}` : 'key';
    if (server === 'bms' && r.route.startsWith('/v2/security')) continue;
    const list = times.get(key) ?? [];
    list.push(r.at);
    times.set(key, list);
  }
  let most = 0;
  for (const list of times.values()) {
    list.sort((a, b) => a - b);
    let start = 0;
    for (let end = 0; end < list.length; end++) {
      while (list[end]! - list[start]! >= windowMs) start++;
      most = Math.max(most, end - start + 1);
    }
  }
  return most;
}

beforeAll(async () => {
  cliEntry();
  database = await freshPostgres();
  // No contact exists yet: every user is created, so that every tenant's result is easy to check.
  const seed = generatedSeed(TENANTS, USERS);
  for (const organization of seed.itglue!.organizations) organization.contacts = [];
  for (const account of seed.bms!.accounts) account.contacts = [];
  sims = await startSimulators(parseSeed(seed));
  sims.itglue.limiter.limit = ITGLUE_LIMIT.limit;
  sims.itglue.limiter.windowMs = ITGLUE_LIMIT.windowMs;
  sims.bms.limiter.limit = BMS_LIMIT.limit;
  sims.bms.limiter.windowMs = BMS_LIMIT.windowMs;
  for (const server of ['itglue', 'bms'] as const) sims.setLatency(server, 20);
  dir = mkdtempSync(join(tmpdir(), 'scale-out-'));
  config = simulatorConfig(sims, dir, {
    tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
    apiLimits: { itglue: ITGLUE_LIMIT, bms: BMS_LIMIT },
  });
  // The schema is made once, before the workers start (they would also make it, safely).
  const { DATABASE_URL: _outer, ...env } = process.env;
  const migrated = await runCli(['--config', config, 'migrate'], {
    DATABASE_URL: database.url,
    CONTACTSYNC_DATA_DIR: dir,
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k === 'PATH')),
  });
  if (migrated.code !== 0) throw new Error(migrated.stderr);
}, 120_000);

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await sims?.close();
  await database?.dispose();
});

describe('three workers on PostgreSQL, forty tenants', () => {
  it('sync every tenant, never one tenant in two workers at once, no duplicate, every API inside its limit', async () => {
    for (let i = 0; i < 3; i++) startWorker();
    await waitFor('every tenant synced', syncedEverywhere(USERS), 120_000);

    const bms = bmsContacts();
    expect(bms.length).toBe(TENANTS * USERS);
    expect(new Set(bms.map((c) => c.emailAddress)).size).toBe(bms.length);
    const itglue = itglueContacts();
    expect(itglue.length).toBe(TENANTS * USERS);

    // Each worker did some of the work.
    await waitFor(
      'every worker to report a run',
      () => workers.every((w) => / ok \(IT Glue: created \d+/.test(w.output)),
      30_000,
    );

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ tenant_id: string; started_at: string; finished_at: string | null }>(
        'SELECT tenant_id, started_at, finished_at FROM runs ORDER BY tenant_id, started_at',
      );
      const overlapping = rows.filter((run, i) => {
        const previous = rows[i - 1];
        return (
          previous !== undefined &&
          previous.tenant_id === run.tenant_id &&
          (previous.finished_at === null || previous.finished_at > run.started_at)
        );
      });
      expect(overlapping).toEqual([]);
      expect(new Set(rows.map((r) => r.tenant_id)).size).toBe(TENANTS);
    } finally {
      await client.end();
    }

    expect(sims.requests.filter((r) => r.status === 429)).toEqual([]);
    // Counted where the requests arrive: a request granted at the end of one window can arrive up to a scheduling
    // delay later on two busy cores (61 of 60 were seen once), so the windows are measured 100 ms shorter.
    const ARRIVAL_JITTER_MS = 100;
    expect(busiestWindow('itglue', ITGLUE_LIMIT.windowMs - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(ITGLUE_LIMIT.limit);
    expect(busiestWindow('bms', BMS_LIMIT.windowMs - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(BMS_LIMIT.limit);
  }, 180_000);

  it('finishes the job of a worker killed in the middle of it, with a complete result and no duplicate', async () => {
    sims.setLatency('bms', 300);
    for (const tenant of sims.graph.dumpTenants()) {
      const base = tenant.users[0]!;
      for (let n = 0; n < 3; n++) {
        sims.graph.addUser(tenant.id, {
          ...base,
          id: `${base.id.slice(0, -4)}9${n}99`,
          userPrincipalName: `hire${n}@${tenant.initialDomain}`,
          mail: `hire${n}@${tenant.initialDomain}`,
          proxyAddresses: [`SMTP:hire${n}@${tenant.initialDomain}`],
          givenName: `Hire${n}`,
          displayName: `Hire${n} ${base.surname}`,
        });
      }
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // The victim: a worker that is not the scheduler, caught holding the lock of a tenant whose run is open (past
      // its read of Microsoft 365, in the middle of its job; a poll that finds nothing opens no run).
      const holders = async () =>
        (
          await client.query<{ name: string; objid: string }>(
            "SELECT a.application_name AS name, l.objid::text AS objid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted",
          )
        ).rows;
      let victim: (typeof workers)[number] | undefined;
      await waitFor(
        'a worker in the middle of a job',
        async () => {
          const open = await client.query<{ tenant_id: string }>(
            'SELECT tenant_id FROM runs WHERE finished_at IS NULL',
          );
          // An advisory lock's low 32 bits, as pg_locks shows them.
          const openLocks = new Set(open.rows.map((r) => String(advisoryLockKey(r.tenant_id) >>> 0)));
          const busy = (await holders()).filter((h) => openLocks.has(h.objid)).map((h) => h.name);
          victim = workers.find(
            (w) =>
              w.child.exitCode === null &&
              !w.output.includes('scheduling:') &&
              busy.includes(`contactsync-${w.child.pid}`),
          );
          return victim !== undefined;
        },
        30_000,
      );
      expect(
        await client.query('SELECT count(*) AS n FROM runs WHERE finished_at IS NULL').then((r) => Number(r.rows[0].n)),
      ).toBeGreaterThan(0);
      victim!.child.kill('SIGKILL');
      await victim!.exited;
      startWorker();
      sims.setLatency('bms', 20);
      await waitFor('every new hire synced', syncedEverywhere(USERS + 3), 120_000);
      const bms = bmsContacts();
      expect(bms.length).toBe(TENANTS * (USERS + 3));
      expect(new Set(bms.map((c) => c.emailAddress)).size).toBe(bms.length);
      expect(itglueContacts().length).toBe(TENANTS * (USERS + 3));
      // The killed worker's runs were closed as interrupted by the next run of their tenants, which finished. That run
      // writes its last contact before it records itself finished (results, checkpoint, then the run's end), and the
      // cut tenant is the last to converge (its job waits out the killed worker's timeout): the record is waited for.
      const { rows: cut } = await client.query<{ tenant_id: string; started_at: string }>(
        "SELECT tenant_id, started_at FROM runs WHERE status = 'interrupted'",
      );
      expect(cut.length).toBeGreaterThan(0);
      for (const run of cut)
        await waitFor(
          `a complete run of ${run.tenant_id} after the one cut off`,
          async () => {
            const { rows } = await client.query(
              "SELECT count(*) AS n FROM runs WHERE tenant_id = $1 AND started_at > $2 AND status IN ('ok', 'unchanged')",
              [run.tenant_id, run.started_at],
            );
            return Number(rows[0].n) > 0;
          },
          30_000,
        );
      expect(
        Number((await client.query('SELECT count(*) AS n FROM runs WHERE finished_at IS NULL')).rows[0].n),
      ).toBeLessThanOrEqual(6);
      expect(sims.requests.filter((r) => r.status === 429)).toEqual([]);
    } finally {
      await client.end();
    }
  }, 180_000);

  it('brings a user created in Microsoft 365 into BMS within pollSeconds plus the run time', async () => {
    const tenant = sims.graph.dumpTenants()[7]!;
    const base = tenant.users[0]!;
    const created = Date.now();
    sims.graph.addUser(tenant.id, {
      ...base,
      id: `${base.id.slice(0, -4)}8888`,
      userPrincipalName: `late@${tenant.initialDomain}`,
      mail: `late@${tenant.initialDomain}`,
      proxyAddresses: [`SMTP:late@${tenant.initialDomain}`],
      givenName: 'Late',
      displayName: `Late ${base.surname}`,
    });
    await waitFor(
      'the new user in BMS',
      () => bmsContacts().some((c) => c.emailAddress === `late@${tenant.initialDomain}`),
      30_000,
    );
    // pollSeconds is 2 here; a tenant's run takes well under a second at this size.
    expect(Date.now() - created).toBeLessThan(2_000 + 4_000);
  }, 60_000);

  it('lists a job that failed for good, with why, in contactsync jobs', async () => {
    // A tenant Microsoft does not know: every run of it fails at sign-in.
    const ghost = '00000000-0000-4000-8000-00000000dead';
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        "INSERT INTO tenants (id, display_name, mapping, status, approve_inactivations, dirty, created_at, updated_at) VALUES ($1, 'Ghost Ltd', 'manual', 'ok', 0, 0, now()::text, now()::text)",
        [ghost],
      );
      await client.query(
        "INSERT INTO tenant_targets (tenant_id, target_id, customer_id, updated_at) VALUES ($1, 'itglue', '1', now()::text), ($1, 'bms', '1', now()::text)",
        [ghost],
      );
    } finally {
      await client.end();
    }
    const jobs = async () =>
      JSON.parse(
        (
          await runCli(['--config', config, 'jobs', '--json'], {
            DATABASE_URL: database.url,
            CONTACTSYNC_DATA_DIR: dir,
          })
        ).stdout,
      ) as { counts: { state: string; n: number }[]; failed: { tenantId: string; retries: number; error: string }[] };
    let listed: Awaited<ReturnType<typeof jobs>> | null = null;
    await waitFor(
      'the ghost tenant among the failed jobs',
      async () => {
        listed = await jobs();
        return listed.failed.some((f) => f.tenantId === ghost);
      },
      60_000,
    );
    const failed = listed!.failed.find((f) => f.tenantId === ghost)!;
    expect(failed.retries).toBe(1);
    expect(failed.error).toMatch(/tenant/i);
    expect(listed!.counts.some((c) => c.state === 'failed' && c.n >= 1)).toBe(true);
    const human = await runCli(['--config', config, 'jobs'], { DATABASE_URL: database.url, CONTACTSYNC_DATA_DIR: dir });
    expect(human.stdout).toMatch(/Ghost Ltd\s+1\s+/);
  }, 90_000);
});
