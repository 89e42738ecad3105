import type { Kysely, Selectable } from 'kysely';
import type { Database, GraphSubscriptionTable } from './schema.ts';

type SubscriptionState = 'active' | 'reauthorize' | 'removed' | 'failed';

/** A tenant's subscription to Graph's change notifications, as kept in the state database. */
export interface SubscriptionRecord {
  readonly tenantId: string;
  readonly subscriptionId: string | null;
  /** encrypted */
  readonly clientState: string | null;
  readonly notificationUrl: string | null;
  readonly expiresAt: string | null;
  readonly state: SubscriptionState;
  readonly reason: string | null;
  readonly failures: number;
  readonly nextAttemptAt: string | null;
  readonly lastNoticeAt: string | null;
}

function toRecord(row: Selectable<GraphSubscriptionTable>): SubscriptionRecord {
  return {
    tenantId: row.tenant_id,
    subscriptionId: row.subscription_id,
    clientState: row.client_state,
    notificationUrl: row.notification_url,
    expiresAt: row.expires_at,
    state: row.state as SubscriptionState,
    reason: row.reason,
    failures: Number(row.failures),
    nextAttemptAt: row.next_attempt_at,
    lastNoticeAt: row.last_notice_at,
  };
}

/** The subscriptions table: SQL only, shared by the process that keeps the subscriptions and those that receive. */
export class SubscriptionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(): Promise<SubscriptionRecord[]> {
    return (await this.db.selectFrom('graph_subscriptions').selectAll().execute()).map(toRecord);
  }

  async get(tenantId: string): Promise<SubscriptionRecord | null> {
    const row = await this.db
      .selectFrom('graph_subscriptions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async bySubscriptionId(subscriptionId: string): Promise<SubscriptionRecord | null> {
    const row = await this.db
      .selectFrom('graph_subscriptions')
      .selectAll()
      .where('subscription_id', '=', subscriptionId)
      .executeTakeFirst();
    return row === undefined ? null : toRecord(row);
  }

  async save(record: SubscriptionRecord): Promise<void> {
    const row = {
      tenant_id: record.tenantId,
      subscription_id: record.subscriptionId,
      client_state: record.clientState,
      notification_url: record.notificationUrl,
      expires_at: record.expiresAt,
      state: record.state,
      reason: record.reason,
      failures: record.failures,
      next_attempt_at: record.nextAttemptAt,
      last_notice_at: record.lastNoticeAt,
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('graph_subscriptions')
      .values(row)
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet(row))
      .execute();
  }

  /** A lifecycle event from Graph: the subscription needs the keeper's attention, now. */
  async flag(subscriptionId: string, state: SubscriptionState, reason: string): Promise<void> {
    await this.db
      .updateTable('graph_subscriptions')
      .set({ state, reason, next_attempt_at: null, updated_at: new Date().toISOString() })
      .where('subscription_id', '=', subscriptionId)
      .execute();
  }

  async noticed(subscriptionId: string, at: string): Promise<void> {
    await this.db
      .updateTable('graph_subscriptions')
      .set({ last_notice_at: at })
      .where('subscription_id', '=', subscriptionId)
      .execute();
  }

  async remove(tenantId: string): Promise<void> {
    await this.db.deleteFrom('graph_subscriptions').where('tenant_id', '=', tenantId).execute();
  }
}
