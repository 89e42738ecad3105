import { PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** What every repository works over: the database, or the transaction the store was opened in. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  /** PostgreSQL runs a data-modifying WITH; SQLite (in the process, no round trips) takes a transaction. */
  readonly postgres: boolean;
}

export function storeContext(db: Kysely<Database>): StoreContext {
  return { db, postgres: db.getExecutor().adapter instanceof PostgresAdapter };
}

export const now = (): string => new Date().toISOString();

export const flag = (value: boolean): number => (value ? 1 : 0);

/** Runs `work` in a transaction of its own, or within the one the store is already in (all or nothing with it). */
export function atomically<T>(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
