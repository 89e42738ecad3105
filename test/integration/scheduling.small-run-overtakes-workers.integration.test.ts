import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { generatedSeed } from '../../bench/api-economy/generated-seed.ts';
import { TenantJobQueue } from '../../src/jobs/tenant-job-queue.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { freshPostgres } from '../support/databases.ts';
import { eventually } from '../support/push.ts';
import { graphUser } from '../support/simulators.ts';

// BMS compressed: 40 calls per 5 s per endpoint, shared by both workers through PostgreSQL.
const BMS = { limit: 40, windowMs: 5_000 };
const ONBOARDING = 100;

let sims: RunningSimulators | null = null;
let database: { url: string; dispose(): Promise<void> } | null = null;
let opened: OpenDatabase | null = null;
let queue: TenantJobQueue | null = null;
const workers: { child: ChildProcess; exited: Promise<unknown> }[] = [];
/** What the workers printed. */
let logged = '';

afterAll(async () => {
  for (const worker of workers) worker.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await queue?.stop();
  await opened?.db.destroy();
  await sims?.close();
  await database?.dispose();
});

const creates = () =>
  sims!.requests.filter(
    (r) => r.server === 'bms' && r.method === 'POST' && r.route === '/v2/crm/contacts/summary' && r.status === 200,
  ).length;

it('across two workers on PostgreSQL, a new hire elsewhere overtakes an onboarding that saturates the BMS budget', async () => {
  cliEntry();
  const seed = generatedSeed(2, 10);
  sims = await startSimulators(seed);
  sims.bms.limiter.limit = BMS.limit;
  sims.bms.limiter.windowMs = BMS.windowMs;
  database = await freshPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'overtake-'));
  const config = simulatorConfig(sims, dir, {
    tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
    apiLimits: { bms: BMS },
  });
  opened = openPostgres(database.url);
  await migrateToLatest(opened.db as Kysely<unknown>);
  const store = new StateStore(opened.db);
  const env = { DATABASE_URL: database.url, CONTACTSYNC_DATA_DIR: dir };
  const first = await runCli(['--config', config, 'sync'], env);
  expect(first.code, first.stderr).toBe(0);
  const [big, small] = seed.tenants;
  for (let i = 0; i < ONBOARDING; i++)
    sims.graph.addUser(
      big!.id,
      graphUser(`onboard-${i}`, {
        userPrincipalName: `onboard${i}@customer1.example`,
        mail: `onboard${i}@customer1.example`,
        proxyAddresses: [`SMTP:onboard${i}@customer1.example`],
      }),
    );
  for (let i = 0; i < 2; i++) {
    const child = spawn(
      process.execPath,
      [cliEntry(), '--config', config, 'worker', '--concurrency', '1', '--express-concurrency', '1', '--no-scheduler'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (logged += chunk.toString()));
    workers.push({ child, exited: new Promise((resolve) => child.on('close', resolve)) });
  }
  queue = await TenantJobQueue.open(opened.pool!);
  const before = creates();
  // The scheduler's poll of the first customer goes to the express lane; its 100 changes send it to the bulk lane.
  await queue.enqueue(big!.id, 'express');
  await eventually(() => creates() - before >= 37, 30_000, 'the onboarding saturating BMS');
  let seen = -1;
  await eventually(
    async () => {
      const now = creates();
      if (now === seen) return true;
      seen = now;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return false;
    },
    10_000,
    'the onboarding waiting for the window',
  );

  sims.graph.addUser(
    small!.id,
    graphUser('newhire', {
      userPrincipalName: 'newhire@customer2.example',
      mail: 'newhire@customer2.example',
      proxyAddresses: ['SMTP:newhire@customer2.example'],
    }),
  );
  const hired = Date.now();
  await queue.enqueue(small!.id, 'express');
  await eventually(
    () => sims!.bms.contactsOf(2).some((c) => c.emailAddress === 'newhire@customer2.example'),
    10_000,
    'the new hire in BMS',
  );
  // The job's pick-up (polled every 0.5 s) and the run, not the 5 s the onboarding waits for each window.
  expect(Date.now() - hired).toBeLessThan(3_000);
  expect(creates() - before).toBeLessThan(ONBOARDING);

  await eventually(() => creates() - before === ONBOARDING + 1, 60_000, 'the end of the onboarding');
  await eventually(
    async () =>
      (await store.listRuns(big!.id)).some(
        (r) =>
          r.status === 'ok' && r.counts?.['itglue.created'] === ONBOARDING && r.counts?.['bms.created'] === ONBOARDING,
      ),
    10_000,
    'the onboarding run recorded',
  );
  // The express job that read the onboarding handed it to the large runs' queue, and said so.
  expect(logged).toMatch(/Customer 001: deferred — many changes: handed to the queue of large runs/);
  expect(sims.requests.filter((r) => r.server === 'bms' && r.status === 429)).toHaveLength(0);
}, 120_000);
