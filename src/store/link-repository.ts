import type { ExpressionBuilder, Kysely, OnConflictDatabase, OnConflictTables } from 'kysely';
import type { Link, MatchRule, SyncDisabled } from '../domain/link.ts';
import type { Database } from './schema.ts';
import { now, type StoreContext } from './store-context.ts';

function toLink(row: Database['links']): Link {
  return {
    userId: row.user_id,
    docContactId: row.doc_contact_id,
    psaContactId: row.psa_contact_id === null ? null : Number(row.psa_contact_id),
    rule: row.rule as MatchRule | null,
    syncDisabled: row.sync_disabled as SyncDisabled,
    ownedEmails: JSON.parse(row.owned_emails) as string[],
    ownedPhones: JSON.parse(row.owned_phones) as Link['ownedPhones'],
    psaPushed: row.psa_pushed === null ? null : (JSON.parse(row.psa_pushed) as Link['psaPushed']),
    // Left out unless a person chose the PSA contact: a link reads back as it was saved.
    ...(row.psa_origin === 'hand' ? { psaOrigin: 'hand' as const } : {}),
  };
}

export function linkRow(tenantId: string, link: Link): Database['links'] {
  return {
    tenant_id: tenantId,
    user_id: link.userId,
    doc_contact_id: link.docContactId,
    psa_contact_id: link.psaContactId,
    rule: link.rule,
    sync_disabled: link.syncDisabled,
    owned_emails: JSON.stringify(link.ownedEmails),
    owned_phones: JSON.stringify(link.ownedPhones),
    psa_pushed: link.psaPushed === null ? null : JSON.stringify(link.psaPushed),
    psa_origin: link.psaOrigin ?? null,
    updated_at: now(),
  };
}

/** A link upserted among others: each row's own values. */
export const linkUpdate = (
  eb: ExpressionBuilder<OnConflictDatabase<Database, 'links'>, OnConflictTables<'links'>>,
) => ({
  doc_contact_id: eb.ref('excluded.doc_contact_id'),
  psa_contact_id: eb.ref('excluded.psa_contact_id'),
  rule: eb.ref('excluded.rule'),
  sync_disabled: eb.ref('excluded.sync_disabled'),
  owned_emails: eb.ref('excluded.owned_emails'),
  owned_phones: eb.ref('excluded.owned_phones'),
  psa_pushed: eb.ref('excluded.psa_pushed'),
  psa_origin: eb.ref('excluded.psa_origin'),
  updated_at: eb.ref('excluded.updated_at'),
});

/** Links written over what is stored for the same user: one statement, whatever their number. */
export async function upsertLinkRows(db: Kysely<Database>, rows: readonly Database['links'][]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('links')
    .values([...rows])
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(linkUpdate))
    .execute();
}

/** What ties each person to their contacts in the targets. */
export function linkRepository({ db }: StoreContext) {
  async function listLinks(tenantId: string): Promise<Link[]> {
    return (
      await db.selectFrom('links').selectAll().where('tenant_id', '=', tenantId).orderBy('user_id').execute()
    ).map(toLink);
  }

  async function getLink(tenantId: string, userId: string): Promise<Link | null> {
    const row = await db
      .selectFrom('links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? null : toLink(row);
  }

  async function saveLink(tenantId: string, link: Link): Promise<void> {
    await upsertLinkRows(db, [linkRow(tenantId, link)]);
  }

  /** Several links at once, in one statement a hundred at a time. */
  async function saveLinks(tenantId: string, links: readonly Link[]): Promise<void> {
    for (let start = 0; start < links.length; start += 100)
      await upsertLinkRows(
        db,
        links.slice(start, start + 100).map((link) => linkRow(tenantId, link)),
      );
  }

  async function setSyncDisabled(tenantId: string, userId: string, disabled: SyncDisabled): Promise<boolean> {
    const result = await db
      .updateTable('links')
      .set({ sync_disabled: disabled, updated_at: now() })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Forgets a person's link: the next sync matches them afresh by the rules. */
  async function deleteLink(tenantId: string, userId: string): Promise<boolean> {
    const result = await db
      .deleteFrom('links')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The person whose link holds this IT Glue (or BMS) contact, if any. */
  async function linkedTo(tenantId: string, system: 'itglue' | 'bms', contactId: string): Promise<string | null> {
    const row = await (
      system === 'itglue'
        ? db
            .selectFrom('links')
            .select('user_id')
            .where('tenant_id', '=', tenantId)
            .where('doc_contact_id', '=', contactId)
        : db
            .selectFrom('links')
            .select('user_id')
            .where('tenant_id', '=', tenantId)
            .where('psa_contact_id', '=', Number(contactId))
    ).executeTakeFirst();
    return row?.user_id ?? null;
  }

  return { listLinks, getLink, saveLink, saveLinks, setSyncDisabled, deleteLink, linkedTo };
}
