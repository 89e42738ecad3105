import { targetsAsRows } from './migrations/0015-targets-as-rows.ts';
import { inFlightSlots } from './migrations/0016-in-flight-slots.ts';
import { Migrator, PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Migrations in code, applied by Kysely's Migrator, which takes a lock first (an advisory lock on PostgreSQL), so two
 * processes starting at once apply each migration once.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('itglue_organization_id', 'text')
        .addColumn('bms_account_id', 'integer')
        .addColumn('mapping', 'text', (c) => c.notNull().defaultTo('unmapped'))
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('ok'))
        .addColumn('approve_inactivations', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('dirty', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('settings')
        .ifNotExists()
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('settings_pk', ['scope', 'version'])
        .execute();
      await db.schema
        .createTable('directory_users')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('directory_users_pk', ['tenant_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('checkpoints')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (c) => c.primaryKey())
        .addColumn('delta_link', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('links')
        .ifNotExists()
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('doc_contact_id', 'text', (c) => c.notNull())
        .addColumn('psa_contact_id', 'integer')
        .addColumn('rule', 'text')
        .addColumn('sync_disabled', 'text', (c) => c.notNull().defaultTo('none'))
        .addColumn('owned_emails', 'text', (c) => c.notNull())
        .addColumn('owned_phones', 'text', (c) => c.notNull())
        .addColumn('psa_pushed', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('links_pk', ['tenant_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('runs')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('counts', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('runs_tenant')
        .ifNotExists()
        .on('runs')
        .columns(['tenant_id', 'started_at'])
        .execute();
      await db.schema
        .createTable('journal')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('system', 'text', (c) => c.notNull())
        .addColumn('operation', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('journal_open')
        .ifNotExists()
        .on('journal')
        .columns(['tenant_id', 'status'])
        .execute();
      await db.schema
        .createTable('user_results')
        .ifNotExists()
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_principal_name', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('itglue', 'text', (c) => c.notNull())
        .addColumn('bms', 'text', (c) => c.notNull())
        .addColumn('itglue_contact_id', 'text')
        .addColumn('bms_contact_id', 'integer')
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('diffs', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_results_pk', ['run_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('user_results_user')
        .ifNotExists()
        .on('user_results')
        .columns(['tenant_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('conflicts')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_principal_name', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('rule', 'text')
        .addColumn('candidates', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text')
        .addColumn('resolution_target', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('resolved_at', 'text')
        .execute();
      await db.schema
        .createIndex('conflicts_open')
        .ifNotExists()
        .on('conflicts')
        .columns(['tenant_id', 'status'])
        .execute();
      await db.schema
        .createTable('audit')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

migrations['0002_users'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('users')
      .ifNotExists()
      .addColumn('username', 'text', (c) => c.primaryKey())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};

migrations['0003_web_sessions'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sessions')
      .ifNotExists()
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('api_tokens')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema
      .createTable('app_secrets')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
  },
};

migrations['0004_metrics_and_shared_limits'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('metric_counters')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addPrimaryKeyConstraint('metric_counters_pk', ['name', 'labels'])
      .execute();
    // The layout rate-limiter-flexible's PostgreSQL store expects; made here so that workers never race to create it.
    await db.schema
      .createTable('rate_limits')
      .ifNotExists()
      .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expire', 'bigint')
      .execute();
  },
};

migrations['0005_alerts'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('alert_events')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('item_key', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('alert_events_item', ['kind', 'tenant_id', 'item_key'])
      .execute();
    await db.schema
      .createTable('alert_deliveries')
      .ifNotExists()
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('alert_deliveries_pk', ['channel_id', 'event_id'])
      .execute();
    await db.schema
      .createTable('alert_batches')
      .ifNotExists()
      .addColumn('channel_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('last_sent_at', 'text')
      .addPrimaryKeyConstraint('alert_batches_pk', ['channel_id', 'kind'])
      .execute();
  },
};

migrations['0006_graph_subscriptions'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('graph_subscriptions')
      .ifNotExists()
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_id', 'text')
      .addColumn('client_state', 'text')
      .addColumn('notification_url', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text')
      .addColumn('last_notice_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('graph_subscriptions_by_id')
      .ifNotExists()
      .on('graph_subscriptions')
      .column('subscription_id')
      .execute();
  },
};

migrations['0007_operator_views'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Names as they were when the tenant was mapped, so that pages show names without asking the APIs.
    await db.schema.alterTable('tenants').addColumn('itglue_organization_name', 'text').execute();
    await db.schema.alterTable('tenants').addColumn('bms_account_name', 'text').execute();
    // Why a tenant is unmapped, or mapped to one system only: said on the dashboard and by sync.
    await db.schema.alterTable('tenants').addColumn('mapping_note', 'text').execute();
    // What an audit entry is about, so that the log can be filtered and linked by tenant and person.
    await db.schema.alterTable('audit').addColumn('tenant_id', 'text').execute();
    await db.schema.alterTable('audit').addColumn('user_id', 'text').execute();
    await db.schema.createIndex('audit_at').ifNotExists().on('audit').column('at').execute();
    // What an operator did to one person (Sync now, unlink, relink, reopen), on that person's history.
    await db.schema
      .createTable('contact_actions')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .execute();
    await db.schema
      .createIndex('contact_actions_user')
      .ifNotExists()
      .on('contact_actions')
      .columns(['tenant_id', 'user_id', 'at'])
      .execute();
  },
};

migrations['0008_tenant_locks'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Who syncs each tenant now: the lock itself on SQLite (a lease), who holds the advisory lock on PostgreSQL.
    await db.schema
      .createTable('tenant_locks')
      .ifNotExists()
      .addColumn('tenant_id', 'text', (c) => c.primaryKey())
      .addColumn('token', 'text', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('machine', 'text', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    // Runs that overlapped before this lock existed may have left two open creates for one user: the older is closed.
    await sql`UPDATE journal SET status = 'failed', error = 'interrupted; superseded by a later create'
      WHERE operation = 'create' AND status = 'intent' AND EXISTS (
        SELECT 1 FROM journal later WHERE later.tenant_id = journal.tenant_id AND later.system = journal.system
          AND later.user_id = journal.user_id AND later.operation = 'create' AND later.status = 'intent'
          AND (later.created_at > journal.created_at OR (later.created_at = journal.created_at AND later.id > journal.id)))`.execute(
      db,
    );
    // One create in flight per user and system, whichever run started it.
    await db.schema
      .createIndex('journal_create_in_flight')
      .ifNotExists()
      .unique()
      .on('journal')
      .columns(['tenant_id', 'system', 'user_id'])
      .where(sql.ref('operation'), '=', 'create')
      .where(sql.ref('status'), '=', 'intent')
      .execute();
    await db.schema
      .createIndex('journal_creates')
      .ifNotExists()
      .on('journal')
      .columns(['tenant_id', 'operation', 'status'])
      .execute();
  },
};

migrations['0009_shared_budgets'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    // What every worker spent of each API budget, per hundredth of its window (scale-out: PostgreSQL only).
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await db.schema
      .createTable('budget_spend')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('slice', 'bigint', (c) => c.notNull())
      .addColumn('small', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('large', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('budget_spend_pk', ['key', 'slice'])
      .execute();
    await createBudgetTake(db);
  },
};

/**
 * `contactsync_budget_take`: 0 when the units are granted, else the milliseconds until enough of the spending leaves
 * the window. Only the hundredths of the current window count: spending kept under another window length (the
 * limits in the config changed, or a benchmark compressed time) numbers its slices otherwise and is dropped, where it
 * once counted as spent for ever and held the budget shut.
 */
async function createBudgetTake(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION contactsync_budget_take(
      p_key text, p_window_ms bigint, p_all integer, p_large integer, p_cost integer, p_small boolean
    ) RETURNS bigint LANGUAGE plpgsql AS $$
    DECLARE
      now_ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
      slice_ms bigint := greatest(1, p_window_ms / 100);
      cur bigint := now_ms / slice_ms;
      oldest bigint := now_ms / slice_ms - 100;
      used_all integer;
      used_large integer;
      freed_all integer := 0;
      freed_large integer := 0;
      r record;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext('contactsync-budget:' || p_key));
      SELECT coalesce(sum(small + large), 0), coalesce(sum(large), 0) INTO used_all, used_large
        FROM budget_spend WHERE key = p_key AND slice >= oldest AND slice <= cur;
      IF used_all + p_cost <= p_all AND (p_small OR used_large + p_cost <= p_large) THEN
        INSERT INTO budget_spend AS b (key, slice, small, large)
          VALUES (p_key, cur, CASE WHEN p_small THEN p_cost ELSE 0 END, CASE WHEN p_small THEN 0 ELSE p_cost END)
          ON CONFLICT (key, slice) DO UPDATE SET small = b.small + EXCLUDED.small, large = b.large + EXCLUDED.large;
        IF random() < 0.02 THEN
          DELETE FROM budget_spend WHERE key = p_key AND (slice < oldest OR slice > cur);
        END IF;
        RETURN 0;
      END IF;
      FOR r IN SELECT slice, small, large FROM budget_spend WHERE key = p_key AND slice >= oldest AND slice <= cur ORDER BY slice LOOP
        freed_all := freed_all + r.small + r.large;
        freed_large := freed_large + r.large;
        IF used_all - freed_all + p_cost <= p_all AND (p_small OR used_large - freed_large + p_cost <= p_large) THEN
          RETURN greatest(1, (r.slice + 101) * slice_ms - now_ms);
        END IF;
      END LOOP;
      RETURN greatest(1, slice_ms);
    END $$;
  `.execute(db);
}

migrations['0010_budget_window_change'] = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
    await createBudgetTake(db);
  },
};

migrations['0011_result_display_names'] = {
  // A result names the person: a user gone from Microsoft 365 (a leaver waiting for approval) has no other record.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('user_results').addColumn('display_name', 'text').execute();
  },
};

migrations['0012_held_since'] = {
  // A person held from BMS is held since the first run that held them, however many runs keep them held.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('user_results').addColumn('held_since', 'text').execute();
  },
};

migrations['0013_psa_origin'] = {
  // A BMS contact a person chose stays "linked by hand" through later syncs; null: matched or created by the sync.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('links').addColumn('psa_origin', 'text').execute();
  },
};

migrations['0014_conflict_candidate_labels'] = {
  // A dispute remembers its candidates' names, so that what settles it names the contact without reading the vendor.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('conflicts').addColumn('candidate_labels', 'text').execute();
  },
};

migrations['0015_targets_as_rows'] = targetsAsRows;

migrations['0016_in_flight_slots'] = inFlightSlots;

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Another process held the migration lock past the busy timeout (a long migration): it is worth another try. */
function lostTheRace(error: unknown): boolean {
  return (error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
}

/** Brings the database to the newest schema; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  // Each migration is applied once whatever its place in the order, so that a database kept across versions takes
  // the ones it lacks even when their names sort before ones it has.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  let { error, results } = await migrator.migrateToLatest();
  // On SQLite the migration lock is a write transaction (store/connect.ts): a process that waited for it longer than
  // the busy timeout tries again, and finds the migrations applied.
  for (let attempt = 1; error !== undefined && attempt <= 5 && lostTheRace(error); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `Migrating the database failed at ${failed}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
