import { chmodSync, copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { readSeedFile } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { runCli, simulatorConfig } from '../support/cli.ts';
import { freshPostgres, plainDump } from '../support/databases.ts';

/**
 * An upgrade is "install the new package, restart": the databases earlier releases made (test/fixtures/releases, one
 * folder per release, made by scripts/make-release-fixture.mjs) are opened by today's code, migrated, and synced
 * against the systems as that release left them. Nothing has changed in Microsoft 365 since, so nothing is written,
 * and every link (with a person's decisions on it) is kept.
 */
const RELEASES = join(import.meta.dirname, '..', 'fixtures', 'releases');
const releases = readdirSync(RELEASES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

type LinkRow = { user_id: string; doc_contact_id: string; psa_contact_id: number | null; sync_disabled: string };
const LINKS = 'SELECT user_id, doc_contact_id, psa_contact_id, sync_disabled FROM links ORDER BY user_id';
/** The same, from today's schema: a person's contact in each target is a row of its own. */
const LINKS_NOW = `SELECT l.user_id, d.contact_id AS doc_contact_id, CAST(p.contact_id AS INTEGER) AS psa_contact_id, l.sync_disabled
  FROM links l
  LEFT JOIN contact_links d ON d.tenant_id = l.tenant_id AND d.user_id = l.user_id AND d.target_id = 'itglue'
  LEFT JOIN contact_links p ON p.tenant_id = l.tenant_id AND p.user_id = l.user_id AND p.target_id = 'bms'
  ORDER BY l.user_id`;

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function systemsOf(folder: string): Promise<{ sims: RunningSimulators; dir: string }> {
  const sims = await startSimulators(await readSeedFile(join(folder, 'simulators.json')));
  const dir = mkdtempSync(join(tmpdir(), 'contactsync-upgrade-'));
  copyFileSync(join(folder, 'contactsync-secret.key'), join(dir, '.contactsync-secret.key'));
  // A checkout gives files mode 0644, and contactsync refuses a key file others can read, as it should.
  chmodSync(join(dir, '.contactsync-secret.key'), 0o600);
  cleanups.push(
    () => sims.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { sims, dir };
}

/** The requests that would have changed something in Microsoft 365, IT Glue or BMS (signing in to BMS changes nothing). */
function writes(sims: RunningSimulators): string[] {
  return sims.requests
    .filter((request) => request.server !== 'login' && request.method !== 'GET')
    .filter((request) => !(request.server === 'bms' && request.route === '/v2/security/authenticate'))
    .map((request) => `${request.server} ${request.method} ${request.path}`);
}

async function upgradeAndSync(sims: RunningSimulators, dir: string, env: Record<string, string>): Promise<void> {
  const config = simulatorConfig(sims, dir);
  const common = { CONTACTSYNC_DATA_DIR: join(dir, 'data'), ...env };
  const migrated = await runCli(['--config', config, 'migrate'], common);
  expect(migrated.stderr).toBe('');
  expect(migrated.code).toBe(0);
  const sync = await runCli(['--config', config, 'sync'], common);
  expect(sync.stderr).toBe('');
  expect(sync.code).toBe(0);
  // The alert address sealed by that release still opens with its key file.
  const alerts = await runCli(['--config', config, 'alerts', 'list'], common);
  expect(alerts.code, alerts.stderr).toBe(0);
  expect(alerts.stdout).toContain('Ops');
}

describe.each(releases)('the databases of release %s', (release) => {
  const folder = join(RELEASES, release);

  it('SQLite: a copy of the database file migrates and syncs with no write, every link kept', async () => {
    const { sims, dir } = await systemsOf(join(folder, 'sqlite'));
    copyFileSync(join(folder, 'sqlite', 'contactsync.db'), join(dir, 'state.db'));
    // Read from the copy: opening the committed file would leave SQLite's -wal and -shm files beside it.
    const copy = new Database(join(dir, 'state.db'), { readonly: true });
    const before = copy.prepare(LINKS).all();
    copy.close();
    expect(before.length).toBeGreaterThan(0);

    await upgradeAndSync(sims, dir, { DATABASE_URL: '' });

    expect(writes(sims)).toEqual([]);
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    expect(db.prepare(LINKS_NOW).all()).toEqual(before);
    db.close();
  });

  it('PostgreSQL: the dump restored into a fresh database migrates and syncs with no write, every link kept', async () => {
    const { sims, dir } = await systemsOf(join(folder, 'postgres'));
    const database = await freshPostgres();
    cleanups.push(() => database.dispose());
    const dump = plainDump(join(folder, 'postgres', 'contactsync.sql'));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(dump);
      await client.query("SELECT pg_catalog.set_config('search_path', 'public', false)");
      const before = (await client.query<LinkRow>(LINKS)).rows;
      expect(before.length).toBeGreaterThan(0);

      await upgradeAndSync(sims, dir, { DATABASE_URL: database.url });

      expect(writes(sims)).toEqual([]);
      expect((await client.query<LinkRow>(LINKS_NOW)).rows).toEqual(before);
    } finally {
      await client.end();
    }
  });
});
