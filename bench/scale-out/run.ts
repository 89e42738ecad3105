// Scale-out: a backlog of one sync job per tenant (200 tenants, every simulator answering after 20 ms) taken by 1, 2
// and 4 worker processes on PostgreSQL; the throughput (tenants per second, from the first run's start to the last
// run's end) of each, and its ratio to one worker's. Needs a PostgreSQL server: DATABASE_URL, else the local one.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { TenantJobQueue } from '../../src/jobs/tenant-job-queue.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { openPostgres } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { generatedSeed } from '../api-economy/generated-seed.ts';

const TENANTS = Number(process.argv[2] ?? 200);
const USERS = Number(process.argv[3] ?? 5);
const LATENCY_MS = 20;
const UNBOUNDED = { limit: 1_000_000, windowMs: 1_000 };
const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function runWith(workerCount: number): Promise<{ seconds: number; tenantsPerSecond: number }> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const name = `contactsync_bench_${workerCount}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const seed = parseSeed(generatedSeed(TENANTS, USERS));
  const sims = await startSimulators(seed);
  for (const s of ['graph', 'itglue', 'bms', 'login'] as const) sims.setLatency(s, LATENCY_MS);
  // This measures how the work spreads over workers; the shared rate limits are measured by the rate-limit bench
  // and the scale-out test, so they are lifted here (in the simulators and in the workers' budgets alike).
  for (const limiter of [sims.itglue.limiter, sims.bms.limiter]) limiter.limit = UNBOUNDED.limit;
  const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
  const config = join(dir, 'contactsync.json');
  writeFileSync(
    config,
    JSON.stringify({
      microsoft: {
        clientId: sims.credentials.graph.clientId,
        clientSecret: sims.credentials.graph.clientSecret,
        loginUrl: sims.urls.login,
        graphUrl: sims.urls.graph,
      },
      itglue: { apiKey: sims.credentials.itglueApiKey, baseUrl: sims.urls.itglue! },
      bms: {
        userName: sims.credentials.bms.userName,
        password: sims.credentials.bms.password,
        tenant: sims.credentials.bms.tenant,
        baseUrl: sims.urls.bms!,
      },
      tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
      apiLimits: { graph: UNBOUNDED, itglue: UNBOUNDED, bms: UNBOUNDED },
    }),
  );
  const database = openPostgres(url.toString());
  await migrateToLatest(database.db as Kysely<unknown>);
  const store = new StateStore(database.db);
  for (const [i, tenant] of seed.tenants.entries()) {
    await store.upsertTenant(tenant.id, tenant.displayName);
    await store.setMapping(tenant.id, seed.itglue!.organizations[i]!.id, seed.bms!.accounts[i]!.id, 'manual');
  }
  const queue = await TenantJobQueue.open(database.pool!);
  for (const tenant of seed.tenants) await queue.enqueue(tenant.id);

  const { DATABASE_URL: _outer, ...env } = process.env;
  const children = Array.from({ length: workerCount }, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', '--config', config, 'worker', '--concurrency', '1', '--no-scheduler'],
      {
        env: { ...env, DATABASE_URL: url.toString(), CONTACTSYNC_DATA_DIR: dir },
        stdio: 'ignore',
      },
    ),
  );
  const finished = async () =>
    Number(
      (await database.pool!.query('SELECT count(DISTINCT tenant_id) AS n FROM runs WHERE finished_at IS NOT NULL'))
        .rows[0].n,
    );
  const deadline = Date.now() + 15 * 60_000;
  while ((await finished()) < TENANTS) {
    if (Date.now() > deadline) throw new Error(`${workerCount} workers: not every tenant ran within 15 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const span = (
    await database.pool!.query<{ first: string; last: string }>(
      'SELECT min(started_at) AS first, max(finished_at) AS last FROM runs',
    )
  ).rows[0]!;
  const seconds = (Date.parse(span.last) - Date.parse(span.first)) / 1000;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => new Promise((resolve) => child.on('close', resolve))));
  await queue.stop();
  await store.close();
  await sims.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  return { seconds, tenantsPerSecond: TENANTS / seconds };
}

let single: number | null = null;
for (const workers of [1, 2, 4]) {
  const { seconds, tenantsPerSecond } = await runWith(workers);
  single ??= tenantsPerSecond;
  process.stdout.write(
    `${JSON.stringify({ bench: 'scale-out', workers, tenants: TENANTS, usersPerTenant: USERS, latencyMs: LATENCY_MS, seconds: Number(seconds.toFixed(2)), tenantsPerSecond: Number(tenantsPerSecond.toFixed(2)), speedup: Number((tenantsPerSecond / single).toFixed(2)) })}\n`,
  );
}
