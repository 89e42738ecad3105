import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { freshPostgres } from '../support/databases.ts';
import { startCli } from '../support/cli-process.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function setUp(
  users: number,
): Promise<{ sims: RunningSimulators; dir: string; config: string; env: Record<string, string> }> {
  const sims = await startSimulators(smallSeed(users));
  const dir = mkdtempSync(join(tmpdir(), 'contactsync-backup-'));
  cleanups.push(
    () => sims.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
  return { sims, dir, config, env: { CONTACTSYNC_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' } };
}

const changes = (sims: RunningSimulators) =>
  sims.requests.filter(
    (r) =>
      r.server !== 'login' && r.method !== 'GET' && !(r.server === 'bms' && r.route === '/v2/security/authenticate'),
  );

describe('contactsync backup and restore (SQLite)', () => {
  it('a backup taken while a sync runs restores to a database whose next sync creates nothing and changes nothing', async () => {
    const { sims, dir, config, env } = await setUp(60);
    // Slow answers: the sync is still writing when the backup is taken.
    sims.setLatency('itglue', 100);
    sims.setLatency('bms', 100);
    const sync = startCli(['--config', config, 'sync'], env);
    cleanups.push(() => void sync.stop());
    while (changes(sims).length < 3) await new Promise((r) => setTimeout(r, 20));
    const backup = join(dir, 'backup.db');
    const made = await runCli(['--config', config, 'backup', backup], env);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(sync.child.exitCode).toBeNull();
    expect(made.stdout).toContain(
      `Keep with it, somewhere as safe: the key file ${join(dir, '.contactsync-secret.key')}`,
    );
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(await sync.exited).toBe(0);
    sims.setLatency('itglue', 0);
    sims.setLatency('bms', 0);

    const restored = await runCli(['--config', config, 'restore', backup], env);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    sims.requests.length = 0;
    const before = JSON.stringify(sims.dump());
    const again = await runCli(['--config', config, 'sync'], env);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    // Nothing created twice, nothing changed, nothing written: the contacts created after the backup already hold
    // what the sync would write.
    expect(JSON.stringify(sims.dump())).toBe(before);
    expect(changes(sims).map((r) => `${r.server} ${r.method} ${r.path}`)).toEqual([]);

    // Their links now remember what the contacts hold: the next plan needs no contact read one by one.
    sims.requests.length = 0;
    const planned = await runCli(['--config', config, 'sync', '--dry-run'], env);
    expect(planned.code).toBe(0);
    expect(sims.requests.filter((r) => r.server === 'bms' && r.route === '/v2/crm/contacts/summary/{id}')).toEqual([]);
  }, 180_000);

  it('a sync killed while it writes to BMS, started again, writes no BMS contact twice, and its links remember what the contacts hold', async () => {
    const { sims, config, env } = await setUp(60);
    sims.setLatency('bms', 100);
    const sync = startCli(['--config', config, 'sync'], env);
    cleanups.push(() => void sync.stop());
    const bmsWrites = () => changes(sims).filter((r) => r.server === 'bms');
    while (bmsWrites().length < 5) await new Promise((r) => setTimeout(r, 20));
    // Killed while a create is on its way: BMS makes the contact, the run never records it.
    sync.child.kill('SIGKILL');
    await sync.exited;
    await new Promise((r) => setTimeout(r, 300));
    sims.setLatency('bms', 0);
    const killed = bmsWrites().map((r) => `${r.method} ${r.path}`);
    expect(killed.every((w) => w.startsWith('POST '))).toBe(true);

    sims.requests.length = 0;
    const restarted = await runCli(['--config', config, 'sync'], env);
    expect(restarted.stderr).toBe('');
    expect(restarted.code).toBe(0);
    // The restart creates the contacts the killed run did not reach, and writes none it did.
    expect(
      bmsWrites()
        .filter((r) => r.method !== 'POST')
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([]);
    const emails = sims.dump().bms!.accounts[0]!.contacts.map((c) => c.emailAddress?.toLowerCase());
    expect(new Set(emails).size).toBe(60);
    expect(emails).toHaveLength(60);

    sims.requests.length = 0;
    const planned = await runCli(['--config', config, 'sync', '--dry-run'], env);
    expect(planned.code).toBe(0);
    expect(sims.requests.filter((r) => r.server === 'bms' && r.route === '/v2/crm/contacts/summary/{id}')).toEqual([]);
    expect(changes(sims)).toEqual([]);
  }, 180_000);

  it('restore refuses while another process has the database open, and refuses a file that is not a contactsync database', async () => {
    const { dir, config, env } = await setUp(3);
    expect((await runCli(['--config', config, 'sync'], env)).code).toBe(0);
    const backup = join(dir, 'backup.db');
    expect((await runCli(['--config', config, 'backup', backup], env)).code).toBe(0);

    const served = startCli(['--config', config, 'serve', '--port', '0', '--daemon'], env);
    cleanups.push(() => void served.stop());
    await served.waitFor(/web UI: http/);
    const refused = await runCli(['--config', config, 'restore', backup], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is in use by another contactsync process');
    expect(await served.stop()).toBe(0);

    const stranger = join(dir, 'notes.txt');
    writeFileSync(stranger, 'not a database');
    const wrong = await runCli(['--config', config, 'restore', stranger], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('is not a readable SQLite database');
    expect((await runCli(['--config', config, 'restore', backup], env)).code).toBe(0);
  });

  it('on PostgreSQL, backup and restore say to use pg_dump and pg_restore', async () => {
    const { dir, config } = await setUp(1);
    for (const command of ['backup', 'restore']) {
      const run = await runCli(['--config', config, command, join(dir, 'x.dump')], {
        DATABASE_URL: 'postgres://contactsync:secret@db.example.com:5432/contactsync',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('pg_dump --format=custom');
      expect(run.stderr).toContain('pg_restore');
      expect(run.stderr).not.toContain('secret@');
    }
  });
});

/** `contactsync migrate` run by several processes at the same moment. */
async function migrateAtOnce(config: string, env: Record<string, string>): Promise<(number | string | null)[]> {
  const runs = await Promise.all(
    Array.from(
      { length: 4 },
      () =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn(process.execPath, [cliEntry(), '--config', config, 'migrate'], {
            env: { ...process.env, ...env },
          });
          let output = '';
          child.stdout.on('data', (c: Buffer) => (output += c.toString()));
          child.stderr.on('data', (c: Buffer) => (output += c.toString()));
          child.on('close', (code) => resolve({ code, output }));
        }),
    ),
  );
  return runs.map((r) => (r.output.includes('Database up to date') ? r.code : r.output));
}

describe('migrations, when several processes open a new database at the same moment', () => {
  it('are applied once on SQLite', async () => {
    const { config, env } = await setUp(1);
    expect(await migrateAtOnce(config, env)).toEqual([0, 0, 0, 0]);
  });

  it('are applied once on PostgreSQL', async () => {
    const { config } = await setUp(1);
    const database = await freshPostgres();
    cleanups.push(() => database.dispose());
    expect(await migrateAtOnce(config, { DATABASE_URL: database.url })).toEqual([0, 0, 0, 0]);
  });
});
