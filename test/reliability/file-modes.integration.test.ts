import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { runCli } from '../support/cli.ts';
import { smallSeed } from '../support/simulators.ts';

/** The state files hold password hashes, the CSRF key and people's data: their owner alone reads them. */
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('the config file', () => {
  it('init --force over a config left readable by others makes it 0600, as it says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modes-'));
    const config = join(dir, 'contactsync.json');
    writeFileSync(config, '{}\n', { mode: 0o644 });
    chmodSync(config, 0o644);
    const run = await runCli(
      ['--config', config, 'init', '--force', '--no-check'],
      {
        CONTACTSYNC_DATA_DIR: join(dir, 'data'),
        CONTACTSYNC_MS_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
        CONTACTSYNC_MS_CLIENT_SECRET: 'a-client-secret-value',
        CONTACTSYNC_ITGLUE_API_KEY: 'ITG.an-api-key-value',
        CONTACTSYNC_BMS_USER: 'api-user',
        CONTACTSYNC_BMS_PASSWORD: 'a-bms-password',
        CONTACTSYNC_BMS_TENANT: 'msp',
      },
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(modeOf(config)).toBe('600');
  });
});

describe('the state files', () => {
  it('are created 0600: the SQLite database, its -wal and -shm, the log and the sandbox state beside the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modes-'));
    const dbPath = join(dir, 'contactsync.db');
    const box = await startSandbox({ seed: smallSeed(2), dbPath, logger: pino({ level: 'silent' }) });
    await box.syncAll({ force: true });
    expect(existsSync(`${dbPath}-wal`)).toBe(true);
    expect(existsSync(`${dbPath}-shm`)).toBe(true);
    expect([dbPath, `${dbPath}-wal`, `${dbPath}-shm`].map(modeOf)).toEqual(['600', '600', '600']);
    await box.close();
    expect(modeOf(`${dbPath}.simulators.json`)).toBe('600');

    const log = join(dir, 'contactsync.log');
    createLogger(log).info('hello');
    expect(modeOf(log)).toBe('600');
  });

  it('are made 0600 when an older version left them readable by others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modes-'));
    const dbPath = join(dir, 'contactsync.db');
    const first = openSqlite(dbPath);
    await migrateToLatest(first.db as Kysely<unknown>);
    await first.db.destroy();
    chmodSync(dbPath, 0o644);
    const log = join(dir, 'contactsync.log');
    writeFileSync(log, '', { mode: 0o644 });
    const again = openSqlite(dbPath);
    await migrateToLatest(again.db as Kysely<unknown>);
    createLogger(log).info('hello');
    expect([modeOf(dbPath), modeOf(`${dbPath}-wal`), modeOf(log)]).toEqual(['600', '600', '600']);
    await again.db.destroy();
  });
});
