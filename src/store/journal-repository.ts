import { sql, type Kysely } from 'kysely';
import type { IntentEntry, JournalEntry } from '../domain/journal-entry.ts';
import type { Link } from '../domain/link.ts';
import { contactUpdate, linkRows, personUpdate, upsertLinkRows } from './link-repository.ts';
import type { Database } from './schema.ts';
import { atomically, now, type StoreContext } from './store-context.ts';

/** A create that another run is making, or made since this run began: this run stops rather than make it twice. */
export class SecondCreateError extends Error {
  readonly code = 'Conflict';
  /** `target`: the target's name as users read it */
  constructor(target: string, entry: { readonly userId: string }, otherRun: string | null, cause: unknown) {
    super(
      `Another run${otherRun === null ? '' : ` (${otherRun})`} is creating or has just created the ${target} contact of user ${entry.userId}; this run stops so that it is not created twice, and the next run takes it into account.`,
      cause === null ? undefined : { cause },
    );
    this.name = 'SecondCreateError';
  }
}

function intentRow(id: string, entry: IntentEntry): Database['journal'] {
  const at = now();
  return {
    id,
    run_id: entry.runId,
    tenant_id: entry.tenantId,
    user_id: entry.userId,
    system: entry.system,
    operation: entry.operation,
    idempotency_key: entry.key,
    payload: JSON.stringify(entry.payload),
    status: 'intent',
    target_id: null,
    error: null,
    created_at: at,
    updated_at: at,
  };
}

/** A write done, with the link it produced. */
export interface SettledWrite {
  readonly id: string;
  readonly targetId: string | null;
  readonly link: { tenantId: string; link: Link } | null;
}

/** The write journal: each write to a target recorded before its request, and settled after it. */
export function journalRepository({ db, postgres, targets }: StoreContext) {
  /** A target's name as users read it, from its id (the journal's `system`). */
  const nameOf = (targetId: string): string =>
    [targets.doc, targets.psa].find((target) => target?.id === targetId)?.words.name ?? targetId;

  async function refuseSecondCreates(entries: readonly IntentEntry[]): Promise<void> {
    const first = entries[0]!;
    const other = await db
      .selectFrom('journal')
      .select(['run_id', 'user_id'])
      .where('tenant_id', '=', first.tenantId)
      .where('system', '=', first.system)
      .where(
        'user_id',
        'in',
        entries.map((entry) => entry.userId),
      )
      .where('operation', '=', 'create')
      .where('run_id', '!=', first.runId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'intent'),
          eb.and([
            eb('status', '=', 'done'),
            eb('updated_at', '>=', eb.selectFrom('runs').select('started_at').where('id', '=', first.runId)),
          ]),
        ]),
      )
      .executeTakeFirst();
    if (other !== undefined)
      throw new SecondCreateError(nameOf(first.system), { userId: other.user_id }, other.run_id, null);
  }

  /**
   * Records the intent before a write; returns the entry's id. The same key twice is one intent. A create is refused
   * (thrown) when another run is creating the same user's contact in the same system, or created it since this run
   * began: whichever run started a create, every other run recognises it.
   */
  async function journalIntent(entry: IntentEntry): Promise<string> {
    return (await journalIntents([entry]))[0]!;
  }

  /**
   * The intents of one request's writes (a batch), of one run, tenant and system: their ids in the order given, in
   * three statements whatever their number. A create another run is making is refused as `journalIntent` refuses it:
   * found before the insert, none of the batch is journalled; found by the insert itself (the other run's intent
   * landed in between), the batch is journalled one by one up to that user, as `journalIntent` would.
   */
  async function journalIntents(entries: readonly IntentEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    const creates = entries.filter((entry) => entry.operation === 'create');
    if (creates.length > 0) await refuseSecondCreates(creates);
    const ids = new Map<string, string>();
    try {
      const inserted = await db
        .insertInto('journal')
        .values(entries.map((entry) => intentRow(crypto.randomUUID(), entry)))
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning(['id', 'idempotency_key'])
        .execute();
      for (const row of inserted) ids.set(row.idempotency_key, row.id);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      // The unique index of creates in flight: another run journalled one of these creates at the same moment.
      if (code !== 'SQLITE_CONSTRAINT_UNIQUE' && code !== '23505') throw error;
      if (entries.length === 1) throw new SecondCreateError(nameOf(entries[0]!.system), entries[0]!, null, error);
      // Nothing of the batch was written: one at a time, each as far as the one another run holds, which is named.
      const one: string[] = [];
      for (const entry of entries) one.push(await journalIntent(entry));
      return one;
    }
    // Keys journalled before (a run finishing an earlier attempt) keep their entry.
    const missing = entries.filter((entry) => !ids.has(entry.key)).map((entry) => entry.key);
    if (missing.length > 0) {
      const rows = await db
        .selectFrom('journal')
        .select(['id', 'idempotency_key'])
        .where('idempotency_key', 'in', missing)
        .execute();
      for (const row of rows) ids.set(row.idempotency_key, row.id);
    }
    return entries.map((entry) => {
      const id = ids.get(entry.key);
      if (id === undefined) throw new Error(`The journal lost the intent ${entry.key} as it was written.`);
      return id;
    });
  }

  /**
   * Writes done, each with the link it produced, recorded together: all or none, so that a crash leaves each either
   * recorded or an intent the next run recovers. On PostgreSQL one statement, whatever their number.
   */
  async function journalSettled(done: readonly SettledWrite[]): Promise<void> {
    if (done.length === 0) return;
    const at = now();
    const contactIds = sql<string | null>`CASE ${sql.ref('id')} ${sql.join(
      done.map((d) => sql`WHEN ${d.id} THEN ${d.targetId}`),
      sql` `,
    )} END`;
    const settle = (on: Kysely<Database>) =>
      on
        .updateTable('journal')
        .set({ status: 'done', target_id: contactIds, updated_at: at })
        .where(
          'id',
          'in',
          done.map((d) => d.id),
        );
    const links = done.flatMap((d) => (d.link === null ? [] : [linkRows(targets, d.link.tenantId, d.link.link)]));
    const contacts = links.flatMap((link) => link.contacts);
    if (postgres) {
      // A data-modifying WITH runs to completion with the statement that holds it: one statement, one round trip.
      if (links.length === 0) await settle(db).execute();
      else
        await db
          .with('settled', () => settle(db).returning('id'))
          .with('people', () =>
            db
              .insertInto('links')
              .values(links.map((link) => link.person))
              .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(personUpdate))
              .returning('user_id'),
          )
          .insertInto('contact_links')
          .values(contacts)
          .onConflict((oc) => oc.columns(['tenant_id', 'user_id', 'target_id']).doUpdateSet(contactUpdate))
          .execute();
      return;
    }
    await atomically(db, async (tx) => {
      await settle(tx).execute();
      await upsertLinkRows(tx, links);
    });
  }

  /** Marks a write done and stores the link it produced, together. */
  async function journalDone(
    id: string,
    targetId: string | null,
    link: { tenantId: string; link: Link } | null,
  ): Promise<void> {
    await journalSettled([{ id, targetId, link }]);
  }

  async function journalFailed(id: string, error: string): Promise<void> {
    await db.updateTable('journal').set({ status: 'failed', error, updated_at: now() }).where('id', '=', id).execute();
  }

  async function unfinishedJournal(tenantId: string): Promise<JournalEntry[]> {
    const rows = await db
      .selectFrom('journal')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'intent')
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      system: row.system as JournalEntry['system'],
      operation: row.operation,
      payload: JSON.parse(row.payload) as unknown,
      status: 'intent',
      targetId: row.target_id,
    }));
  }

  /** Every contact contactsync created for the tenant's users, by any run: user, system and the contact's id. */
  async function createdContacts(
    tenantId: string,
  ): Promise<{ userId: string; system: JournalEntry['system']; targetId: string }[]> {
    const rows = await db
      .selectFrom('journal')
      .select(['user_id', 'system', 'target_id'])
      .where('tenant_id', '=', tenantId)
      .where('operation', '=', 'create')
      .where('status', '=', 'done')
      .where('target_id', 'is not', null)
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      system: row.system as JournalEntry['system'],
      targetId: row.target_id!,
    }));
  }

  return {
    journalIntent,
    journalIntents,
    journalSettled,
    journalDone,
    journalFailed,
    unfinishedJournal,
    createdContacts,
  };
}
