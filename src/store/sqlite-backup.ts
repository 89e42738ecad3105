import { chmodSync, closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import SQLite from 'better-sqlite3';

/** Tables every contactsync database has had since its first release: a file without them is not one. */
const OWN_TABLES = ['kysely_migration', 'tenants', 'links', 'runs', 'journal'] as const;

export class BackupError extends Error {
  constructor(
    readonly code: 'NotContactsync' | 'InUse' | 'Exists' | 'Missing',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A consistent copy of a live SQLite database (SQLite's online backup: pages copied while others read and write; the
 * copy is the database as of one moment), written to a new file of mode 0600.
 */
export async function backupSqlite(databasePath: string, target: string): Promise<{ bytes: number }> {
  if (!existsSync(databasePath)) throw new BackupError('Missing', `There is no state database at ${databasePath}.`);
  if (existsSync(target))
    throw new BackupError('Exists', `${target} exists already: give the backup a new name, or delete that file first.`);
  // Made first with mode 0600: the copy holds password hashes, keys and people's data, as the database does.
  closeSync(openSync(target, 'wx', 0o600));
  const source = new SQLite(databasePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    source.close();
  }
  chmodSync(target, 0o600);
  return { bytes: statSync(target).size };
}

/** Throws unless `path` is a readable SQLite file with contactsync's tables. */
export function checkContactsyncDatabase(path: string): void {
  if (!existsSync(path)) throw new BackupError('Missing', `There is no file ${path}.`);
  let names: Set<string>;
  try {
    const file = new SQLite(path, { readonly: true, fileMustExist: true });
    try {
      names = new Set(
        (file.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
          (row) => row.name,
        ),
      );
      const check = file.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`SQLite finds it damaged: ${String(check)}`);
    } finally {
      file.close();
    }
  } catch (error) {
    throw new BackupError('NotContactsync', `${path} is not a readable SQLite database (${(error as Error).message}).`);
  }
  const missing = OWN_TABLES.filter((table) => !names.has(table));
  if (missing.length > 0)
    throw new BackupError(
      'NotContactsync',
      `${path} is not a contactsync database: it lacks the tables ${missing.join(', ')}. Give a file made by contactsync backup.`,
    );
}

/**
 * Whether any other connection has the database open: every process that uses a database in WAL mode holds a shared
 * lock on it for as long as it has it open, so an exclusive lock is refused at once (busy_timeout 0) while one does.
 * Returns the connection that holds the lock, to be closed by the caller, or null when another process holds it.
 */
function takeExclusively(databasePath: string): SQLite.Database | null {
  const database = new SQLite(databasePath, { fileMustExist: true });
  database.pragma('busy_timeout = 0');
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    database.exec('BEGIN EXCLUSIVE');
    database.exec('COMMIT');
    return database;
  } catch (error) {
    database.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
}

/**
 * Puts a backup in the database's place: refused while another process has the database open (a service, a daemon,
 * a sync), and unless the file is a contactsync database. The database it replaces is kept beside it as
 * `<name>.before-restore-<time>`.
 */
export async function restoreSqlite(
  databasePath: string,
  backup: string,
  now = new Date(),
): Promise<{ kept: string | null }> {
  checkContactsyncDatabase(backup);
  const staging = `${databasePath}.restoring`;
  rmSync(staging, { force: true });
  const holder = existsSync(databasePath) ? takeExclusively(databasePath) : null;
  if (existsSync(databasePath) && holder === null)
    throw new BackupError(
      'InUse',
      `The state database ${databasePath} is in use by another contactsync process (the service, a daemon, serve, a sync). Stop it (systemctl stop contactsync), then restore again.`,
    );
  try {
    // A consistent copy, in WAL mode like every contactsync database, beside the database (one file system: the
    // rename below replaces it at once).
    closeSync(openSync(staging, 'wx', 0o600));
    const source = new SQLite(backup, { readonly: true, fileMustExist: true });
    try {
      await source.backup(staging);
    } finally {
      source.close();
    }
  } finally {
    // Closing the last connection checkpoints the database and removes its -wal and -shm files.
    holder?.close();
  }
  let kept: string | null = null;
  if (existsSync(databasePath)) {
    kept = `${databasePath}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(databasePath, kept);
    for (const suffix of ['-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });
  }
  renameSync(staging, databasePath);
  chmodSync(databasePath, 0o600);
  return { kept };
}
