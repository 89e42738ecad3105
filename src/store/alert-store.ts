import type { Kysely } from 'kysely';
import type { AlertKind } from '../domain/alert-kind.ts';
import type { Database } from './schema.ts';

/** One thing that waits for a person, as an alert carries it. */
export interface AlertItem {
  readonly key: string;
  readonly subject: string;
  readonly detail: string;
  /** the item's page, from the web UI's root */
  readonly path: string;
}

interface AlertEvent extends AlertItem {
  readonly id: string;
  readonly kind: AlertKind;
  readonly tenantId: string;
  readonly createdAt: string;
}

/**
 * The alerts' state, shared by every process of an installation: the events waiting to be carried, what each channel
 * carried, and when each channel last sent each kind (the batch clock). SQL only.
 */
export class AlertStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * The items of one kind that wait for a person in a tenant now (held contacts, open conflicts, a halt): new ones are
   * recorded, and those no longer waiting are forgotten, so that an item is announced once while it lasts.
   */
  async refresh(tenantId: string, kind: AlertKind, items: readonly AlertItem[], at: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const known = await tx
        .selectFrom('alert_events')
        .select(['id', 'item_key'])
        .where('tenant_id', '=', tenantId)
        .where('kind', '=', kind)
        .execute();
      const wanted = new Set(items.map((i) => i.key));
      const gone = known.filter((row) => !wanted.has(row.item_key)).map((row) => row.id);
      for (let i = 0; i < gone.length; i += 500)
        await tx
          .deleteFrom('alert_events')
          .where('id', 'in', gone.slice(i, i + 500))
          .execute();
      const have = new Set(known.map((row) => row.item_key));
      const fresh = items.filter((item) => !have.has(item.key));
      for (let i = 0; i < fresh.length; i += 200)
        await tx
          .insertInto('alert_events')
          .values(fresh.slice(i, i + 200).map((item) => eventRow(tenantId, kind, item, at)))
          .onConflict((oc) => oc.columns(['kind', 'tenant_id', 'item_key']).doNothing())
          .execute();
    });
  }

  /** Events that happen once (a failed run): recorded unless already known. */
  async add(tenantId: string, kind: AlertKind, items: readonly AlertItem[], at: string): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('alert_events')
      .values(items.map((item) => eventRow(tenantId, kind, item, at)))
      .onConflict((oc) => oc.columns(['kind', 'tenant_id', 'item_key']).doNothing())
      .execute();
  }

  /** The events of a kind a channel has not carried, recorded since `since`, of the given tenants (null: every one). */
  async pending(
    channelId: string,
    kind: AlertKind,
    since: string,
    tenantIds: readonly string[] | null,
  ): Promise<AlertEvent[]> {
    if (tenantIds !== null && tenantIds.length === 0) return [];
    let query = this.db
      .selectFrom('alert_events as e')
      .selectAll('e')
      .where('e.kind', '=', kind)
      .where('e.created_at', '>=', since)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('alert_deliveries as d')
              .select('d.event_id')
              .whereRef('d.event_id', '=', 'e.id')
              .where('d.channel_id', '=', channelId),
          ),
        ),
      )
      .orderBy('e.created_at')
      .orderBy('e.tenant_id')
      .orderBy('e.subject');
    if (tenantIds !== null) query = query.where('e.tenant_id', 'in', tenantIds);
    return (await query.execute()).map((row) => ({
      id: row.id,
      kind: row.kind as AlertKind,
      tenantId: row.tenant_id,
      key: row.item_key,
      subject: row.subject,
      detail: row.detail,
      path: row.path,
      createdAt: row.created_at,
    }));
  }

  /**
   * Takes the right to send a channel's message of a batch (a kind, for one customer) now, when its last one is older
   * than `cutoff`: one process wins (a compare-and-set on the batch clock). Returns what the clock said before, to give
   * it back if nothing is sent, or undefined when another message went out within the interval.
   */
  async claim(
    channelId: string,
    kind: string,
    at: string,
    cutoff: string,
  ): Promise<{ previous: string | null } | undefined> {
    await this.db
      .insertInto('alert_batches')
      .values({ channel_id: channelId, kind, last_sent_at: null })
      .onConflict((oc) => oc.columns(['channel_id', 'kind']).doNothing())
      .execute();
    const before = await this.db
      .selectFrom('alert_batches')
      .select('last_sent_at')
      .where('channel_id', '=', channelId)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    if (before.last_sent_at !== null && before.last_sent_at > cutoff) return undefined;
    let update = this.db
      .updateTable('alert_batches')
      .set({ last_sent_at: at })
      .where('channel_id', '=', channelId)
      .where('kind', '=', kind);
    update =
      before.last_sent_at === null
        ? update.where('last_sent_at', 'is', null)
        : update.where('last_sent_at', '=', before.last_sent_at);
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? { previous: before.last_sent_at } : undefined;
  }

  /** Gives a claim back (nothing was sent, or sending failed): the next tick may send at once. */
  async release(channelId: string, kind: string, claimedAt: string, previous: string | null): Promise<void> {
    await this.db
      .updateTable('alert_batches')
      .set({ last_sent_at: previous })
      .where('channel_id', '=', channelId)
      .where('kind', '=', kind)
      .where('last_sent_at', '=', claimedAt)
      .execute();
  }

  async delivered(channelId: string, eventIds: readonly string[], at: string): Promise<void> {
    for (let i = 0; i < eventIds.length; i += 200)
      await this.db
        .insertInto('alert_deliveries')
        .values(eventIds.slice(i, i + 200).map((id) => ({ channel_id: channelId, event_id: id, sent_at: at })))
        .onConflict((oc) => oc.columns(['channel_id', 'event_id']).doNothing())
        .execute();
  }

  /** Forgets events and deliveries older than `before` (events of items still waiting are kept). */
  async prune(before: string, kinds: readonly AlertKind[]): Promise<void> {
    await this.db.deleteFrom('alert_deliveries').where('sent_at', '<', before).execute();
    await this.db
      .deleteFrom('alert_events')
      .where('created_at', '<', before)
      .where('kind', 'in', [...kinds])
      .execute();
  }
}

function eventRow(tenantId: string, kind: AlertKind, item: AlertItem, at: string): Database['alert_events'] {
  return {
    id: crypto.randomUUID(),
    kind,
    tenant_id: tenantId,
    item_key: item.key,
    subject: item.subject,
    detail: item.detail,
    path: item.path,
    created_at: at,
  };
}
