import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  sql,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { AdvisoryTenantLocks, LeaseTenantLocks, type TenantLocks } from './tenant-locks.ts';

type DatabaseKind = 'sqlite' | 'postgres';

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** where the data lives, for people (a file path, or the server without its password) */
  readonly location: string;
  /** the server's connection pool (PostgreSQL only): shared rate limits and job queues use it too */
  readonly pool: pg.Pool | null;
  /** one writer per tenant across the processes sharing this database */
  readonly locks: TenantLocks;
}

interface OpenOptions {
  /** SQLite: how long a dead process keeps a tenant's lock (30 s by default) */
  readonly leaseSeconds?: number;
  /** PostgreSQL: hears every connection the server drops (terminated, restarted, failed over); the process goes on */
  readonly onConnectionError?: (error: Error) => void;
}

/**
 * SQLite rolls a transaction back by itself on some errors (a full disk, I/O errors); ROLLBACK after that fails with
 * "cannot rollback - no transaction is active" and would hide the cause. This driver rolls back only a transaction
 * that is still open, so the caller sees the error that failed it.
 */
class SqliteDialectKeepingCause extends SqliteDialect {
  constructor(private readonly database: SQLite.Database) {
    super({ database });
  }

  /**
   * Kysely takes no migration lock on SQLite and runs each migration outside a transaction: two processes opening a
   * new database at once would both apply it. The lock is a write transaction held over all of them (SQLite's DDL is
   * transactional): the second process waits, then finds them applied.
   */
  override createAdapter(): DialectAdapter {
    return new (class extends SqliteAdapter {
      override async acquireMigrationLock(db: Kysely<unknown>): Promise<void> {
        await sql`BEGIN IMMEDIATE`.execute(db);
      }
      override async releaseMigrationLock(db: Kysely<unknown>): Promise<void> {
        await sql`COMMIT`.execute(db);
      }
    })();
  }

  override createDriver(): Driver {
    const database = this.database;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (database.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database });
  }
}

/** The state files hold password hashes, keys and people's data: readable by their owner alone. */
function ownerOnly(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`])
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/** The embedded database: one SQLite file (0600), in WAL mode so that readers never wait for the writer. */
export function openSqlite(path: string, options: OpenOptions = {}): OpenDatabase {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // SQLite gives its -wal and -shm files the mode of the database file.
    ownerOnly(path);
  }
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialectKeepingCause(database) });
  return {
    db,
    kind: 'sqlite',
    location: path,
    pool: null,
    locks: new LeaseTenantLocks(db, (options.leaseSeconds ?? 30) * 1000),
  };
}

/**
 * A PostgreSQL server, from a `postgres://` URL. A connection the server drops fails the query in flight on it (the
 * work is retried by its caller) and is replaced by the next query; it never ends the process.
 */
export function openPostgres(url: string, options: OpenOptions = {}): OpenDatabase {
  // Named by process, so that an operator (or a test) sees in pg_stat_activity which process holds what.
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: `contactsync-${process.pid}` });
  // Every connection, idle or in use, gets a listener: an error event without one would end the process.
  pool.on('connect', (client) => client.on('error', (error: Error) => options.onConnectionError?.(error)));
  // The pool repeats an idle connection's error, already heard above.
  pool.on('error', () => {});
  const safe = new URL(url);
  safe.password = '';
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', location: safe.toString(), pool, locks: new AdvisoryTenantLocks(pool, db) };
}

/** `DATABASE_URL` chooses PostgreSQL; otherwise the SQLite file. */
export function openDatabase(
  options: { databaseUrl?: string | undefined; sqlitePath: string } & OpenOptions,
): OpenDatabase {
  return options.databaseUrl !== undefined && options.databaseUrl !== ''
    ? openPostgres(options.databaseUrl, options)
    : openSqlite(options.sqlitePath, options);
}
