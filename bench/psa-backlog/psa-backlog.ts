// What the PSA backlog benchmarks share: a fresh PostgreSQL database whose pools the workers share a budget through, the
// backlog itself (workers taking the next company and creating its contacts as a first sync sends them), and the
// requests counted in each full window of a limit.
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Psa } from '../../src/domain/ports.ts';
import { runAs } from '../../src/connectors/http/run-priority.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';

const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Runs `work` with a fresh, migrated database named after `prefix` (DATABASE_URL's server, else the local one);
 * `open()` gives one more pool on it (the first is the migrated one), as another worker process would hold. The
 * database is dropped afterwards. It commits without waiting for the disk, as a benchmark on one shared disk.
 */
export async function withBacklogDatabase<T>(
  prefix: string,
  work: (open: () => OpenDatabase) => Promise<T>,
): Promise<T> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const name = `${prefix}_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const databases: OpenDatabase[] = [];
  try {
    const first = openPostgres(url.toString());
    databases.push(first);
    await migrateToLatest(first.db as Kysely<unknown>);
    let given = 0;
    return await work(() => {
      given += 1;
      if (given === 1) return first;
      const database = openPostgres(url.toString());
      databases.push(database);
      return database;
    });
  } finally {
    for (const database of databases) await database.db.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

/**
 * The backlog as large runs: each client a worker taking the next company (ids 1 to `companies`), reading its contacts
 * and locations, then creating its `perCompany` contacts one after another, located at `locationOf(company)`.
 * Returns the creates that failed.
 */
export async function createBacklog(
  clients: readonly Pick<Psa, 'listContacts' | 'listLocations' | 'createContact'>[],
  companies: number,
  perCompany: number,
  locationOf: (company: number) => number,
): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    clients.map((psa) =>
      runAs(false, async () => {
        for (let company = ++next; company <= companies; company = ++next) {
          await psa.listContacts(company);
          await psa.listLocations(company);
          for (let i = 0; i < perCompany; i++) {
            const result = await psa
              .createContact(company, {
                firstName: `First${i}`,
                lastName: `Company${company}`,
                jobTitle: null,
                emailAddress: `user${i}@company${company}.example`,
                emailTypeId: null,
                phoneNumber: '+12065550100',
                phoneTypeId: null,
                mobilePhone: null,
                locationId: locationOf(company),
                isActive: true,
              })
              .catch(() => ({ ok: false as const }));
            if (!result.ok) failed += 1;
          }
        }
      }),
    ),
  );
  return failed;
}

/** The requests counted (their times) in each full window of `windowMs` from the first; the last, partial one is left out. */
export function perFullWindow(counted: readonly number[], windowMs: number): number[] {
  if (counted.length === 0) return [];
  const firstAt = counted[0]!;
  const lastWindow = Math.floor((counted.at(-1)! - firstAt) / windowMs);
  const perWindow = Array.from({ length: lastWindow }, () => 0);
  for (const at of counted) {
    const window = Math.floor((at - firstAt) / windowMs);
    if (window < lastWindow) perWindow[window]! += 1;
  }
  return perWindow;
}

/** The mean share of `budget` the full windows used. */
export const utilizationOf = (perWindow: readonly number[], budget: number): number =>
  perWindow.length === 0 ? 0 : perWindow.reduce((a, b) => a + b, 0) / perWindow.length / budget;
