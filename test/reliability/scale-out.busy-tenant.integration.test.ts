import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil, type CliProcess } from '../support/cli-process.ts';
import { freshPostgres } from '../support/databases.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { duplicateContacts } from '../support/visible-state.ts';

/**
 * Scale-out: a job for a tenant that another worker is syncing for longer than the retry backoff is deferred, not
 * failed; "failed for good" is left for syncs that failed.
 */
const USERS = 40;

let sims: RunningSimulators;
let database: { url: string; dispose(): Promise<void> };
const workers: CliProcess[] = [];

beforeAll(() => buildCli(), 120_000);
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sims?.close();
  await database?.dispose();
});

describe('a job for a busy tenant', () => {
  it('is deferred while another worker holds the tenant longer than the retry backoff, and never failed', async () => {
    database = await freshPostgres();
    sims = await startSimulators(smallSeed(USERS));
    // A run of many seconds: far longer than the backoff of one retry after 2 s.
    sims.setLatency('bms', 200);
    const dir = mkdtempSync(join(tmpdir(), 'busy-tenant-'));
    const config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
    const env = { CONTACTSYNC_DATA_DIR: dir, DATABASE_URL: database.url };
    const migrated = await runCli(['--config', config, 'migrate'], env);
    expect(migrated.code, migrated.stderr).toBe(0);
    for (let i = 0; i < 2; i++)
      workers.push(
        startCli(['--config', config, 'worker', '--concurrency', '1', '--poll-seconds', '1', '--retries', '1'], env),
      );
    // The scheduler queues the tenant again every second: the other worker takes that job while the first syncs.
    await waitUntil(
      'a worker to find the tenant busy',
      () => workers.some((w) => /Contoso Ltd: busy — Contoso Ltd is being synced by worker/.test(w.output())),
      60_000,
    );
    await waitUntil('every user in BMS', () => sims.dump().bms!.accounts[0]!.contacts.length >= USERS, 120_000);
    // Past the backoff and retry of every job that found the tenant busy.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const jobs = await runCli(['--config', config, 'jobs', '--json'], env);
    expect(jobs.code, jobs.stderr).toBe(0);
    const { failed, counts } = JSON.parse(jobs.stdout) as { failed: unknown[]; counts: { state: string }[] };
    expect(failed).toEqual([]);
    expect(counts.map((c) => c.state)).not.toContain('failed');
    expect(duplicateContacts(sims)).toEqual([]);
    expect(sims.dump().bms!.accounts[0]!.contacts).toHaveLength(USERS);
    for (const worker of workers) expect(worker.child.exitCode).toBeNull();
  }, 240_000);
});
