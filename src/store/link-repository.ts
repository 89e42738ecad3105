import type { ExpressionBuilder, Kysely, OnConflictDatabase, OnConflictTables } from 'kysely';
import type { Link, MatchRule, SyncDisabled } from '../domain/link.ts';
import type { TargetId } from '../domain/target-profile.ts';
import type { Database } from './schema.ts';
import { atomically, now, type StoreContext, type StoreTargets } from './store-context.ts';

/** A link as stored: the person's row, and a row per target for their contact there. */
export interface LinkRows {
  readonly person: Database['links'];
  readonly contacts: readonly Database['contact_links'][];
}

type ContactRow = Pick<Database['contact_links'], 'user_id' | 'target_id' | 'contact_id' | 'origin' | 'pushed'>;

function toLink(targets: StoreTargets, person: Database['links'], contacts: readonly ContactRow[]): Link {
  const doc = contacts.find((c) => c.target_id === targets.doc?.id);
  const psa = contacts.find((c) => c.target_id === targets.psa?.id);
  return {
    userId: person.user_id,
    docContactId: doc?.contact_id ?? '',
    psaContactId: psa?.contact_id === null || psa === undefined ? null : Number(psa.contact_id),
    rule: person.rule as MatchRule | null,
    syncDisabled: person.sync_disabled as SyncDisabled,
    ownedEmails: JSON.parse(person.owned_emails) as string[],
    ownedPhones: JSON.parse(person.owned_phones) as Link['ownedPhones'],
    psaPushed: psa?.pushed === null || psa === undefined ? null : (JSON.parse(psa.pushed) as Link['psaPushed']),
    // Left out unless a person chose the PSA contact: a link reads back as it was saved.
    ...(psa?.origin === 'hand' ? { psaOrigin: 'hand' as const } : {}),
  };
}

export function linkRows(targets: StoreTargets, tenantId: string, link: Link): LinkRows {
  const at = now();
  const contact = (targetId: TargetId, contactId: string | null, origin: string | null, pushed: string | null) => ({
    tenant_id: tenantId,
    user_id: link.userId,
    target_id: targetId,
    contact_id: contactId,
    origin,
    pushed,
    updated_at: at,
  });
  return {
    person: {
      tenant_id: tenantId,
      user_id: link.userId,
      rule: link.rule,
      sync_disabled: link.syncDisabled,
      owned_emails: JSON.stringify(link.ownedEmails),
      owned_phones: JSON.stringify(link.ownedPhones),
      updated_at: at,
    },
    contacts: [
      ...(targets.doc === null ? [] : [contact(targets.doc.id, link.docContactId, null, null)]),
      ...(targets.psa === null
        ? []
        : [
            contact(
              targets.psa.id,
              link.psaContactId === null ? null : String(link.psaContactId),
              link.psaOrigin ?? null,
              link.psaPushed === null ? null : JSON.stringify(link.psaPushed),
            ),
          ]),
    ],
  };
}

/** A person's row upserted among others: each row's own values. */
export const personUpdate = (
  eb: ExpressionBuilder<OnConflictDatabase<Database, 'links'>, OnConflictTables<'links'>>,
) => ({
  rule: eb.ref('excluded.rule'),
  sync_disabled: eb.ref('excluded.sync_disabled'),
  owned_emails: eb.ref('excluded.owned_emails'),
  owned_phones: eb.ref('excluded.owned_phones'),
  updated_at: eb.ref('excluded.updated_at'),
});

/** A contact's row upserted among others: each row's own values. */
export const contactUpdate = (
  eb: ExpressionBuilder<OnConflictDatabase<Database, 'contact_links'>, OnConflictTables<'contact_links'>>,
) => ({
  contact_id: eb.ref('excluded.contact_id'),
  origin: eb.ref('excluded.origin'),
  pushed: eb.ref('excluded.pushed'),
  updated_at: eb.ref('excluded.updated_at'),
});

/** Links written over what is stored for the same users: two statements, whatever their number; call in a transaction. */
export async function upsertLinkRows(db: Kysely<Database>, rows: readonly LinkRows[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('links')
    .values(rows.map((row) => row.person))
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(personUpdate))
    .execute();
  const contacts = rows.flatMap((row) => row.contacts);
  if (contacts.length > 0)
    await db
      .insertInto('contact_links')
      .values(contacts)
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'target_id']).doUpdateSet(contactUpdate))
      .execute();
}

/** What ties each person to their contact in each target. */
export function linkRepository({ db, targets }: StoreContext) {
  const contactRows = (tenantId: string) =>
    db
      .selectFrom('contact_links')
      .select(['user_id', 'target_id', 'contact_id', 'origin', 'pushed'])
      .where('tenant_id', '=', tenantId);

  async function listLinks(tenantId: string): Promise<Link[]> {
    const people = await db
      .selectFrom('links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('user_id')
      .execute();
    const contacts = new Map<string, ContactRow[]>();
    for (const row of await contactRows(tenantId).execute())
      contacts.set(row.user_id, [...(contacts.get(row.user_id) ?? []), row]);
    return people.map((person) => toLink(targets, person, contacts.get(person.user_id) ?? []));
  }

  async function getLink(tenantId: string, userId: string): Promise<Link | null> {
    const person = await db
      .selectFrom('links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (person === undefined) return null;
    return toLink(targets, person, await contactRows(tenantId).where('user_id', '=', userId).execute());
  }

  async function saveLink(tenantId: string, link: Link): Promise<void> {
    await atomically(db, (tx) => upsertLinkRows(tx, [linkRows(targets, tenantId, link)]));
  }

  /** Several links at once, a hundred to a statement. */
  async function saveLinks(tenantId: string, links: readonly Link[]): Promise<void> {
    if (links.length === 0) return;
    await atomically(db, async (tx) => {
      for (let start = 0; start < links.length; start += 100)
        await upsertLinkRows(
          tx,
          links.slice(start, start + 100).map((link) => linkRows(targets, tenantId, link)),
        );
    });
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
    return atomically(db, async (tx) => {
      await tx.deleteFrom('contact_links').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
      const result = await tx
        .deleteFrom('links')
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** The person whose link holds this contact of the target, if any. */
  async function linkedTo(tenantId: string, targetId: TargetId, contactId: string): Promise<string | null> {
    const row = await db
      .selectFrom('contact_links')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('target_id', '=', targetId)
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  return { listLinks, getLink, saveLink, saveLinks, setSyncDisabled, deleteLink, linkedTo };
}
