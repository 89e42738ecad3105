import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import type { Database } from '../../src/store/schema.ts';
import { StateStore } from '../../src/store/state-store.ts';

/**
 * Every storage test runs once per database: SQLite, and PostgreSQL — the server named by `DATABASE_URL` (a fresh
 * database per suite), or PGlite in this process when it is not set, so that `npm test` passes on any machine.
 */
export const DATABASES = ['sqlite', 'postgres'] as const;
export type DatabaseName = (typeof DATABASES)[number];

/** PGlite as a one-connection pool for Kysely's PostgreSQL dialect; transactions take turns. */
function pglitePool(db: PGlite) {
  let busy: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let release!: () => void;
      const previous = busy;
      busy = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      return {
        async query(sql: string, parameters: unknown[]) {
          const result = await db.query(sql, parameters);
          return {
            rows: result.rows,
            rowCount: result.affectedRows ?? result.rows.length,
            command: sql.trim().split(/\s+/)[0]!.toUpperCase(),
          };
        },
        release,
      };
    },
    async end() {
      await db.close();
    },
  };
}

export interface TestDatabase {
  readonly store: StateStore;
  readonly db: Kysely<Database>;
  /** drops what the suite created */
  dispose(): Promise<void>;
}

export async function openTestDatabase(name: DatabaseName): Promise<TestDatabase> {
  if (name === 'sqlite') {
    const { db } = openSqlite(':memory:');
    await migrateToLatest(db as Kysely<unknown>);
    return { store: new StateStore(db), db, dispose: () => db.destroy() };
  }
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    const pool = pglitePool(new PGlite());
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
    await migrateToLatest(db as Kysely<unknown>);
    return { store: new StateStore(db), db, dispose: () => db.destroy() };
  }
  const database = `contactsync_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect().catch((error: unknown) => {
    throw new Error(
      `DATABASE_URL is set but PostgreSQL cannot be reached (${(error as Error).message}). Start the server, or unset DATABASE_URL to test on PGlite.`,
    );
  });
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${database}`;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: target.toString(), max: 4 }) }),
  });
  await migrateToLatest(db as Kysely<unknown>);
  return {
    store: new StateStore(db),
    db,
    async dispose() {
      await db.destroy();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database}`);
      await cleanup.end();
    },
  };
}

/**
 * A fresh, empty database on a real PostgreSQL server (`DATABASE_URL`, else the local server on 127.0.0.1:5432), for
 * what PGlite cannot stand in for: several processes sharing one database (workers, job queues, advisory locks).
 */
export async function freshPostgres(): Promise<{ url: string; dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: url });
  await admin.connect().catch((error: unknown) => {
    throw new Error(
      `The scale-out tests need a PostgreSQL server: none at ${url} (${(error as Error).message}). Start one, or set DATABASE_URL to one (.ci/run does).`,
    );
  });
  const database = `contactsync_scale_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${database}`;
  return {
    url: target.toString(),
    async dispose() {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** A PostgreSQL dump of pg_dump's plain format, as SQL a client runs: pg_dump's psql-only lines (\restrict) aside. */
export function plainDump(path: string): string {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
}
