import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil, type CliProcess } from '../support/cli-process.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { duplicateContacts } from '../support/visible-state.ts';

/**
 * The SQLite tenant lock is a lease: a sync killed with SIGKILL holds its tenant no longer than the lease (at once
 * when its death can be seen: same machine, pid gone), and the run after it finishes its work with no duplicate.
 */
const USERS = 30;
const LEASE_SECONDS = 3;

let sims: RunningSimulators;
let config: string;
let dir: string;
let env: Record<string, string>;
const processes: CliProcess[] = [];

beforeAll(() => buildCli(), 120_000);

async function world(leaseSeconds = LEASE_SECONDS): Promise<void> {
  sims = await startSimulators(smallSeed(USERS));
  sims.setLatency('bms', 80);
  dir = mkdtempSync(join(tmpdir(), 'lease-'));
  config = simulatorConfig(sims, dir, {
    database: { sqlitePath: join(dir, 'state.db'), leaseSeconds },
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
  });
  env = { CONTACTSYNC_DATA_DIR: dir };
  const migrated = await runCli(['--config', config, 'migrate'], env);
  if (migrated.code !== 0) throw new Error(migrated.stderr);
}

afterEach(async () => {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
  await sims?.close();
});

function lockRow(): { pid: number; host: string } | undefined {
  const db = new SQLite(join(dir, 'state.db'));
  try {
    return db.prepare('SELECT pid, host FROM tenant_locks WHERE tenant_id = ?').get(TENANT_A) as
      | { pid: number; host: string }
      | undefined;
  } finally {
    db.close();
  }
}

/** Waits until the sync holds the tenant and has written part of it, then kills it with SIGKILL. */
async function killMidRun(sync: CliProcess): Promise<void> {
  await waitUntil('the sync to hold the tenant', () => lockRow() !== undefined, 60_000);
  await waitUntil('the sync to write some BMS contacts', () => sims.dump().bms!.accounts[0]!.contacts.length >= 5);
  sync.child.kill('SIGKILL');
  await sync.exited;
}

function expectSyncedOnce(): void {
  expect(duplicateContacts(sims)).toEqual([]);
  expect(sims.dump().itglue!.organizations[0]!.contacts).toHaveLength(USERS);
  expect(sims.dump().bms!.accounts[0]!.contacts).toHaveLength(USERS);
}

describe('the tenant lease on SQLite', () => {
  it('is freed at once when its holder on this machine was killed with SIGKILL', async () => {
    await world();
    const sync = startCli(['--config', config, 'sync'], env);
    processes.push(sync);
    await killMidRun(sync);
    expect(lockRow()?.pid).toBe(sync.child.pid);
    const next = await runCli(['--config', config, 'sync'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(lockRow()).toBeUndefined();
    expectSyncedOnce();
  }, 180_000);

  it('holds a tenant whose holder elsewhere was killed with SIGKILL until the lease runs out, then lets the next run finish its work', async () => {
    try {
      execFileSync('unshare', ['--uts', '--pid', '--fork', 'true']);
    } catch (error) {
      throw new Error(
        `This test plays "another machine" in its own pid and host-name namespaces: run it as root with unshare (util-linux) installed. ${(error as Error).message}`,
        { cause: error },
      );
    }
    // Long enough that the next command (a new process) starts well within it.
    const lease = 10;
    await world(lease);
    // Another host name and pid namespace: this machine cannot see whether that process lives.
    const elsewhere = startCli(['--config', config, 'sync'], env, [
      'unshare',
      '--uts',
      '--pid',
      '--fork',
      '--kill-child',
      'sh',
      '-c',
      'hostname worker-b && exec "$0" "$@"',
    ]);
    processes.push(elsewhere);
    await killMidRun(elsewhere);
    const killedAt = Date.now();
    expect(lockRow()?.host).toBe('worker-b');

    const refused = await runCli(['--config', config, 'sync'], env);
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toMatch(
      /Contoso Ltd is being synced by cli:\S+ \(process \d+ on worker-b\) since \d\d:\d\d UTC; try again when it ends\./,
    );
    // With --wait the next sync waits for the lease to run out, then takes the tenant and finishes.
    const waited = await runCli(['--config', config, 'sync', '--wait', String(lease * 3)], env);
    const freedAfter = (Date.now() - killedAt) / 1000;
    expect(waited.code, waited.stderr).toBe(0);
    // Renewed every third of the lease until the kill: held at least two thirds of it after, and freed soon after it.
    expect(freedAfter).toBeGreaterThanOrEqual((lease * 2) / 3 - 0.5);
    expect(freedAfter).toBeLessThan(lease * 3);
    expectSyncedOnce();
  }, 180_000);

  it('is renewed while a run lives: a run longer than the lease keeps its tenant', async () => {
    await world();
    sims.setLatency('bms', 250);
    const sync = startCli(['--config', config, 'sync'], env);
    processes.push(sync);
    await waitUntil('the sync to hold the tenant', () => lockRow() !== undefined, 60_000);
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 1) * 1000));
    expect(sync.child.exitCode).toBeNull();
    const second = await runCli(['--config', config, 'sync'], env);
    expect(second.code, second.stderr).toBe(4);
    expect(await sync.exited).toBe(0);
    expectSyncedOnce();
  }, 180_000);
});
