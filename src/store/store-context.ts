import { PostgresAdapter, type Kysely } from 'kysely';
import type { TargetId } from '../domain/target-profile.ts';
import type { Database } from './schema.ts';

/** What the store knows of a target: the id its rows are kept under, and its name for the few messages it words. */
export interface StoreTarget {
  readonly id: TargetId;
  readonly words: { readonly name: string };
}

/**
 * The installation's targets by role: a tenant's customer and a person's contact of each role are read from, and
 * written to, the rows of that target. The installation's `Targets` serve as they are.
 */
export interface StoreTargets {
  readonly doc: StoreTarget | null;
  readonly psa: StoreTarget | null;
}

/** What every repository works over: the database, or the transaction the store was opened in. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  /** PostgreSQL runs a data-modifying WITH; SQLite (in the process, no round trips) takes a transaction. */
  readonly postgres: boolean;
  readonly targets: StoreTargets;
}

export function storeContext(db: Kysely<Database>, targets: StoreTargets): StoreContext {
  return { db, postgres: db.getExecutor().adapter instanceof PostgresAdapter, targets };
}

export const now = (): string => new Date().toISOString();

export const flag = (value: boolean): number => (value ? 1 : 0);

/** Runs `work` in a transaction of its own, or within the one the store is already in (all or nothing with it). */
export function atomically<T>(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
