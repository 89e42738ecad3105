import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { keyFileOf, loadConfig } from '../../config/config-file.ts';
import { backupSqlite, restoreSqlite } from '../../store/sqlite-backup.ts';
import { writeOut } from '../terminal-text.ts';

/** The SQLite file the config names; on PostgreSQL, what to use instead. */
function sqlitePathOf(configPath: string, action: 'back up' | 'restore'): string {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const safe = new URL(url);
    safe.password = '';
    throw new Error(
      `The state database is on PostgreSQL (${safe.toString()}): ${action} it with PostgreSQL's own tools, ` +
        `pg_dump --format=custom --file contactsync.dump "$DATABASE_URL" and pg_restore --clean --if-exists --dbname "$DATABASE_URL" contactsync.dump, ` +
        `with every contactsync process stopped for the restore. Keep the key file and the config with the dump.`,
    );
  }
  const path = resolve(configPath);
  const config = loadConfig(path, process.env, { requireSecrets: false });
  return resolve(dirname(path), config.database.sqlitePath);
}

/** What a backup of the database alone cannot bring back. */
function alsoKeep(configPath: string): string {
  const key =
    process.env.CONTACTSYNC_SECRET_KEY !== undefined
      ? 'the secret key in CONTACTSYNC_SECRET_KEY'
      : `the key file ${keyFileOf(resolve(configPath))}`;
  return `Keep with it, somewhere as safe: ${key} (without it, the secrets in the database and the config cannot be opened) and the config ${resolve(configPath)}.`;
}

export function registerBackup(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('backup <file>')
    .description(
      'Copy the SQLite state database to FILE (mode 0600) while contactsync runs: a consistent copy, as of one moment. On PostgreSQL, says to use pg_dump.',
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      const configPath = configOf(command);
      const database = sqlitePathOf(configPath, 'back up');
      const { bytes } = await backupSqlite(database, resolve(file));
      writeOut(
        `Backed up ${database} to ${resolve(file)} (${(bytes / 1024 / 1024).toFixed(1)} MB, mode 0600).\n${alsoKeep(configPath)}\n` +
          `To restore: stop contactsync, then contactsync restore ${resolve(file)}.\n`,
      );
    });
  cli
    .command('restore <file>')
    .description(
      'Put a backup made by contactsync backup in the place of the SQLite state database; refused while another contactsync process has it open. On PostgreSQL, says to use pg_restore.',
    )
    .action(async (file: string, _options: unknown, command: Command) => {
      const database = sqlitePathOf(configOf(command), 'restore');
      const { kept } = await restoreSqlite(database, resolve(file));
      writeOut(
        `Restored ${resolve(file)} to ${database}.` +
          (kept === null ? '' : ` The database it replaced is kept as ${kept}; delete it once all is well.`) +
          `\nThe secrets in it open with the key file of the time of the backup. Start contactsync again: the next sync picks up from the backup's state.\n`,
      );
    });
}
