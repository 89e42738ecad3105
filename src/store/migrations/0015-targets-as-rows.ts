import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The targets every database made before this migration was written for: IT Glue as the documentation platform and
 * BMS as the PSA. Their columns become rows under these ids, and a store opened without being told the
 * installation's targets reads these.
 */
export const TARGETS_BEFORE_ROWS = {
  doc: { id: 'itglue', words: { name: 'IT Glue' } },
  psa: { id: 'bms', words: { name: 'BMS' } },
} as const;

const itglue = TARGETS_BEFORE_ROWS.doc.id;
const bms = TARGETS_BEFORE_ROWS.psa.id;

/**
 * A tenant's mapping and a person's contacts, kept per target (a row each) instead of in IT Glue and BMS columns, so
 * that another target is rows, not columns. Every mapping, name, link, "linked by hand" and remembered BMS field is
 * copied; results' columns are named by role.
 */
export const targetsAsRows: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tenant_targets')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text')
      .addColumn('customer_name', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('tenant_targets_pk', ['tenant_id', 'target_id'])
      .execute();
    await sql`INSERT INTO tenant_targets (tenant_id, target_id, customer_id, customer_name, updated_at)
      SELECT id, ${sql.lit(itglue)}, itglue_organization_id, itglue_organization_name, updated_at FROM tenants
      WHERE itglue_organization_id IS NOT NULL OR itglue_organization_name IS NOT NULL`.execute(db);
    await sql`INSERT INTO tenant_targets (tenant_id, target_id, customer_id, customer_name, updated_at)
      SELECT id, ${sql.lit(bms)}, CAST(bms_account_id AS TEXT), bms_account_name, updated_at FROM tenants
      WHERE bms_account_id IS NOT NULL OR bms_account_name IS NOT NULL`.execute(db);
    for (const column of ['itglue_organization_id', 'bms_account_id', 'itglue_organization_name', 'bms_account_name'])
      await db.schema.alterTable('tenants').dropColumn(column).execute();

    await db.schema
      .createTable('contact_links')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text')
      .addColumn('origin', 'text')
      .addColumn('pushed', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('contact_links_pk', ['tenant_id', 'user_id', 'target_id'])
      .execute();
    await db.schema
      .createIndex('contact_links_contact')
      .on('contact_links')
      .columns(['tenant_id', 'target_id', 'contact_id'])
      .execute();
    await sql`INSERT INTO contact_links (tenant_id, user_id, target_id, contact_id, origin, pushed, updated_at)
      SELECT tenant_id, user_id, ${sql.lit(itglue)}, doc_contact_id, NULL, NULL, updated_at FROM links`.execute(db);
    await sql`INSERT INTO contact_links (tenant_id, user_id, target_id, contact_id, origin, pushed, updated_at)
      SELECT tenant_id, user_id, ${sql.lit(bms)}, CAST(psa_contact_id AS TEXT), psa_origin, psa_pushed, updated_at FROM links
      WHERE psa_contact_id IS NOT NULL OR psa_pushed IS NOT NULL OR psa_origin IS NOT NULL`.execute(db);
    for (const column of ['doc_contact_id', 'psa_contact_id', 'psa_pushed', 'psa_origin'])
      await db.schema.alterTable('links').dropColumn(column).execute();

    for (const [from, to] of [
      ['itglue', 'doc'],
      ['bms', 'psa'],
      ['itglue_contact_id', 'doc_contact_id'],
      ['bms_contact_id', 'psa_contact_id'],
    ] as const)
      await db.schema.alterTable('user_results').renameColumn(from, to).execute();
  },
};
