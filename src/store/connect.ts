import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** where the data lives, for people (a file path, or the server without its password) */
  readonly location: string;
  /** the server's connection pool (PostgreSQL only): shared rate limits and job queues use it too */
  readonly pool: pg.Pool | null;
}

/** The embedded database: one SQLite file, in WAL mode so that readers never wait for the writer. */
export function openSqlite(path: string): OpenDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }),
    kind: 'sqlite',
    location: path,
    pool: null,
  };
}

/** A PostgreSQL server, from a `postgres://` URL. */
export function openPostgres(url: string): OpenDatabase {
  // Named by process, so that an operator (or a test) sees in pg_stat_activity which process holds what.
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: `contactsync-${process.pid}` });
  const safe = new URL(url);
  safe.password = '';
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    kind: 'postgres',
    location: safe.toString(),
    pool,
  };
}

/** `DATABASE_URL` chooses PostgreSQL; otherwise the SQLite file. */
export function openDatabase(options: { databaseUrl?: string | undefined; sqlitePath: string }): OpenDatabase {
  return options.databaseUrl !== undefined && options.databaseUrl !== ''
    ? openPostgres(options.databaseUrl)
    : openSqlite(options.sqlitePath);
}
