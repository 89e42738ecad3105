import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphUserSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil, type CliProcess } from '../support/cli-process.ts';
import { freshPostgres } from '../support/databases.ts';
import { smallSeed, TENANT_A, user } from '../support/simulators.ts';
import { duplicateContacts } from '../support/visible-state.ts';

/**
 * A worker and `serve` on PostgreSQL whose connections are terminated by the server (pg_terminate_backend) while they
 * work: both stay up, the work in flight fails and is done again, `/metrics` and the log count the lost connections,
 * and both go on answering and syncing.
 */
const USERS = 30;

let sims: RunningSimulators;
let database: { url: string; dispose(): Promise<void> };
const processes: CliProcess[] = [];

beforeAll(() => buildCli(), 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await sims?.close();
  await database?.dispose();
});

describe('processes that outlive their database connections', () => {
  it('a worker and serve under load survive pg_terminate_backend, answer, and finish the work', async () => {
    database = await freshPostgres();
    sims = await startSimulators(smallSeed(USERS));
    sims.setLatency('bms', 100);
    const dir = mkdtempSync(join(tmpdir(), 'db-connections-'));
    const config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
    const env = { CONTACTSYNC_DATA_DIR: dir, DATABASE_URL: database.url };
    expect((await runCli(['--config', config, 'migrate'], env)).code).toBe(0);
    const token = (await runCli(['--config', config, 'token', 'add', 'prometheus', '--role', 'viewer'], env)).stdout
      .trim()
      .split('\n')
      .at(-1)!;
    const worker = startCli(['--config', config, 'worker', '--concurrency', '2', '--poll-seconds', '1'], env);
    const serve = startCli(['--config', config, 'serve', '--port', '0'], env);
    processes.push(worker, serve);
    const url = (await serve.waitFor(/web UI: (http:\/\/[^/\s]+)\//))[1]!.replace('0.0.0.0', '127.0.0.1');
    const get = (path: string) =>
      fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        async (r) => ({ status: r.status, text: await r.text() }),
        () => ({ status: 0, text: '' }),
      );

    // Load on serve: the API and the metrics, without pause, until the test says stop (bounded in time).
    const loadStop = new AbortController();
    const answers: number[] = [];
    const load = (async () => {
      const until = Date.now() + 120_000;
      while (!loadStop.signal.aborted && Date.now() < until)
        for (const path of ['/api/tenants', '/metrics', '/api/runs']) answers.push((await get(path)).status);
    })();

    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const terminate = async () =>
        (
          await admin.query<{ n: string }>(
            'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = ANY($1)',
            [[`contactsync-${worker.child.pid}`, `contactsync-${serve.child.pid}`]],
          )
        ).rows[0]!.n;
      // In the middle of the first sync: the worker writes, serve answers.
      await waitUntil('the worker to be writing', () => sims.dump().bms!.accounts[0]!.contacts.length >= 3, 60_000);
      let terminated = 0;
      for (let round = 0; round < 4; round++) {
        terminated += Number(await terminate());
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      expect(terminated).toBeGreaterThan(4);
      expect(worker.child.exitCode, worker.output()).toBeNull();
      expect(serve.child.exitCode, serve.output()).toBeNull();

      // Work after the storm: new hires reach BMS, once each.
      for (const id of ['hire1', 'hire2', 'hire3']) sims.graph.addUser(TENANT_A, user(id) as unknown as GraphUserSeed);
      await waitUntil(
        'the first sync and the new hires in BMS',
        () => sims.dump().bms!.accounts[0]!.contacts.length >= USERS + 3,
        120_000,
      );
      expect(duplicateContacts(sims)).toEqual([]);
      expect(sims.dump().itglue!.organizations[0]!.contacts).toHaveLength(USERS + 3);

      // serve answers again, and /metrics counts the connections lost across the installation.
      let metrics = '';
      await waitUntil(
        'the lost connections in /metrics',
        async () => {
          const answer = await get('/metrics');
          metrics = answer.text;
          return answer.status === 200 && /^contactsync_db_connection_errors_total [1-9]/m.test(metrics);
        },
        30_000,
      );
      expect((await get('/api/tenants')).status).toBe(200);
      loadStop.abort();
      await load;
      expect(answers.filter((s) => s === 200).length).toBeGreaterThan(10);
      expect(answers.at(-1)).toBe(200);
      expect(readFileSync(join(dir, 'contactsync.log'), 'utf8')).toMatch(/database connection lost/);
      expect(worker.child.exitCode).toBeNull();
      expect(serve.child.exitCode).toBeNull();
    } finally {
      loadStop.abort();
      await load;
      await admin.end();
    }
  }, 300_000);
});
