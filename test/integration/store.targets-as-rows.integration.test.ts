import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import type { Database } from '../../src/store/schema.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { freshPostgres, plainDump } from '../support/databases.ts';

/**
 * The migration that keeps a tenant's customers and a person's contacts as a row per target: the database a release
 * made (test/fixtures/releases) reads, through the store, as it read before, mapping names, BMS fields and results
 * included.
 */
const RELEASE = join(import.meta.dirname, '..', 'fixtures', 'releases', '0.1.0-71c3a31');

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Before {
  tenants: unknown[];
  links: Map<string, unknown[]>;
  results: Map<string, unknown[]>;
}

/** What the release's tables said, in the records the store gives today. */
async function before(db: Kysely<Database>): Promise<Before> {
  const tenants = await sql<{
    id: string;
    itglue_organization_id: string | null;
    bms_account_id: number | null;
    itglue_organization_name: string | null;
    bms_account_name: string | null;
  }>`SELECT * FROM tenants ORDER BY id`.execute(db);
  const links = await sql<{
    tenant_id: string;
    user_id: string;
    doc_contact_id: string;
    psa_contact_id: number | null;
    psa_pushed: string | null;
    rule: string | null;
    sync_disabled: string;
    owned_emails: string;
    owned_phones: string;
  }>`SELECT * FROM links ORDER BY tenant_id, user_id`.execute(db);
  const results = await sql<{
    run_id: string;
    user_id: string;
    itglue: string;
    bms: string;
    itglue_contact_id: string | null;
    bms_contact_id: number | null;
  }>`SELECT * FROM user_results ORDER BY run_id, user_id`.execute(db);
  const group = <T, K>(rows: readonly T[], key: (row: T) => string, value: (row: T) => K) => {
    const map = new Map<string, K[]>();
    for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), value(row)]);
    return map;
  };
  return {
    tenants: tenants.rows.map((t) => ({
      id: t.id,
      docCustomerId: t.itglue_organization_id,
      psaCustomerId: t.bms_account_id === null ? null : Number(t.bms_account_id),
      docCustomerName: t.itglue_organization_name,
      psaCustomerName: t.bms_account_name,
    })),
    links: group(
      links.rows,
      (l) => l.tenant_id,
      (l) => ({
        userId: l.user_id,
        docContactId: l.doc_contact_id,
        psaContactId: l.psa_contact_id === null ? null : Number(l.psa_contact_id),
        rule: l.rule,
        syncDisabled: l.sync_disabled,
        ownedEmails: JSON.parse(l.owned_emails),
        ownedPhones: JSON.parse(l.owned_phones),
        psaPushed: l.psa_pushed === null ? null : JSON.parse(l.psa_pushed),
      }),
    ),
    results: group(
      results.rows,
      (r) => r.run_id,
      (r) => ({
        userId: r.user_id,
        doc: r.itglue,
        psa: r.bms,
        docContactId: r.itglue_contact_id,
        psaContactId: r.bms_contact_id === null ? null : Number(r.bms_contact_id),
      }),
    ),
  };
}

/** The same, read through today's store once the database is migrated. */
async function after(db: Kysely<Database>, was: Before): Promise<Before> {
  await migrateToLatest(db as Kysely<unknown>);
  const store = new StateStore(db);
  const links = new Map<string, unknown[]>();
  for (const tenantId of was.links.keys()) links.set(tenantId, await store.listLinks(tenantId));
  const results = new Map<string, unknown[]>();
  for (const runId of was.results.keys())
    results.set(
      runId,
      (await store.resultsOfRun(runId)).map((r) => ({
        userId: r.userId,
        doc: r.doc,
        psa: r.psa,
        docContactId: r.docContactId,
        psaContactId: r.psaContactId,
      })),
    );
  return {
    tenants: (await store.listTenants())
      .map((t) => ({
        id: t.id,
        docCustomerId: t.docCustomerId,
        psaCustomerId: t.psaCustomerId,
        docCustomerName: t.docCustomerName,
        psaCustomerName: t.psaCustomerName,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    links,
    results,
  };
}

/** The release's database has what the migration must carry: BMS fields remembered, results, named mappings. */
function carried(was: Before) {
  return {
    pushed: [...was.links.values()].flat().some((l) => (l as { psaPushed: unknown }).psaPushed !== null),
    psaContacts: [...was.links.values()].flat().some((l) => (l as { psaContactId: unknown }).psaContactId !== null),
    results: was.results.size > 0,
  };
}

describe("a release's database, migrated to a row per target", () => {
  it('SQLite: every mapping, link and result reads as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contactsync-rows-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(join(RELEASE, 'sqlite', 'contactsync.db'), join(dir, 'state.db'));
    const { db } = openSqlite(join(dir, 'state.db'));
    cleanups.push(() => db.destroy());
    const was = await before(db);
    expect(carried(was)).toEqual({ pushed: true, psaContacts: true, results: true });
    expect(await after(db, was)).toEqual(was);
  });

  it('PostgreSQL: every mapping, link and result reads as before', async () => {
    const database = await freshPostgres();
    cleanups.push(() => database.dispose());
    const dump = plainDump(join(RELEASE, 'postgres', 'contactsync.sql'));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(dump);
    } finally {
      await client.end();
    }
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    cleanups.push(() => db.destroy());
    const was = await before(db);
    expect(carried(was)).toEqual({ pushed: true, psaContacts: true, results: true });
    expect(await after(db, was)).toEqual(was);
  });
});
