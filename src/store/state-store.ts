import {
  PostgresAdapter,
  sql,
  type ExpressionBuilder,
  type Kysely,
  type OnConflictDatabase,
  type OnConflictTables,
  type Selectable,
  type Transaction,
} from 'kysely';
import type { DirectoryUser } from '../domain/directory-user.ts';
import type { Link, MatchRule, OperatorDecision, SyncDisabled } from '../domain/link.ts';
import type { DirectoryChanges } from '../domain/ports.ts';
import type { FieldDiff } from '../domain/plan.ts';
import type { Reason } from '../domain/reason.ts';
import type { Database, RunTable } from './schema.ts';

export interface TenantRecord {
  readonly id: string;
  readonly displayName: string;
  readonly docCustomerId: string | null;
  readonly psaCustomerId: number | null;
  /** the names the organization and the account had when the tenant was mapped */
  readonly docCustomerName: string | null;
  readonly psaCustomerName: string | null;
  /** why the tenant is unmapped, or mapped to IT Glue alone; null when there is nothing to say */
  readonly mappingNote: string | null;
  readonly mapping: 'auto' | 'manual' | 'unmapped';
  readonly status: string;
  readonly approveInactivations: boolean;
  readonly dirty: boolean;
}

export interface JournalEntry {
  readonly id: string;
  readonly runId: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly system: 'itglue' | 'bms';
  readonly operation: string;
  readonly payload: unknown;
  readonly status: 'intent' | 'done' | 'failed';
  readonly targetId: string | null;
}

export interface UserResult {
  readonly userId: string;
  readonly userPrincipalName: string;
  /** the person's name (for a user gone from Microsoft 365, as the linked contact last showed it) */
  readonly displayName: string | null;
  readonly outcome: string;
  readonly rule: MatchRule | null;
  readonly doc: string;
  readonly psa: string;
  readonly docContactId: string | null;
  readonly psaContactId: number | null;
  readonly reasons: readonly Reason[];
  readonly diffs: readonly FieldDiff[];
}

export interface ConflictRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly side: 'itglue' | 'bms';
  readonly rule: string | null;
  readonly candidates: readonly string[];
  /** each candidate as a technician knows it ("First Last <email> (id)"), by id; absent on disputes found before */
  readonly candidateLabels?: Readonly<Record<string, string>>;
  readonly status: 'open' | 'resolved';
  readonly resolution: 'link' | 'create' | 'ignore' | null;
  readonly resolutionTarget: string | null;
  /** when the run that found it ran */
  readonly createdAt: string;
}

/** A person's result as it stands now, with the run (null for Sync now), when, and since when they are held. */
export type StandingResult = UserResult & {
  readonly runId: string | null;
  readonly at: string;
  /** when the person was first held, while they stay held (for a result that is not held: `at`) */
  readonly heldSince: string;
};

/** One line of a person's history: a tenant run's result for them, or an operator's action on them. */
export interface HistoryEntry {
  readonly at: string;
  /** the tenant run; null for an operator's action */
  readonly runId: string | null;
  readonly action: { readonly kind: string; readonly actor: string; readonly summary: string } | null;
  /** what the sync did for the person (a tenant run, or Sync now) */
  readonly result: UserResult | null;
}

/** One entry of the audit log; `tenantId` and `userId` say what it is about, when it is about a tenant or a person. */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly details: Record<string, unknown>;
  readonly tenantId: string | null;
  readonly userId: string | null;
}

export interface AuditFilter {
  readonly limit?: number;
  readonly offset?: number;
  readonly tenantId?: string;
  /** with `tenantId`: only entries recorded about the tenant, not those whose target merely reads as its id */
  readonly aboutTenantOnly?: boolean;
  readonly userId?: string;
  readonly actor?: string;
  /** an action (`contact.unlink`) or its family (`contact`) */
  readonly action?: string;
}

export type WebRole = 'viewer' | 'admin';

export interface WebUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: WebRole;
}

export interface RunRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: string;
  readonly counts: Record<string, number> | null;
  readonly error: string | null;
}

const now = (): string => new Date().toISOString();
const conflictKey = (userId: string, side: string): string => `${side}\u0000${userId}`;
const flag = (value: boolean): number => (value ? 1 : 0);

function toTenant(row: Database['tenants']): TenantRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    docCustomerId: row.itglue_organization_id,
    psaCustomerId: row.bms_account_id === null ? null : Number(row.bms_account_id),
    docCustomerName: row.itglue_organization_name,
    psaCustomerName: row.bms_account_name,
    mappingNote: row.mapping_note,
    mapping: row.mapping as TenantRecord['mapping'],
    status: row.status,
    approveInactivations: Number(row.approve_inactivations) === 1,
    dirty: Number(row.dirty) === 1,
  };
}

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
    // Left out unless a person chose the BMS contact: a link reads back as it was saved.
    ...(row.psa_origin === 'hand' ? { psaOrigin: 'hand' as const } : {}),
  };
}

/** A dispute's candidate labels as stored: null when the run gave none. */
function labelsRow(dispute: Pick<ConflictRecord, 'candidateLabels'>): string | null {
  return dispute.candidateLabels === undefined ? null : JSON.stringify(dispute.candidateLabels);
}

function linkRow(tenantId: string, link: Link): Database['links'] {
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

/**
 * A person's run results, newest first, without the repeats: a run whose outcome and reasons are those of the run
 * before it, and that changed no field (held again, disputed again), is no news: only the first of such a stretch
 * is kept.
 */
function newsOnly<T extends { readonly result: UserResult }>(newestFirst: readonly T[]): T[] {
  const said = (r: UserResult) => JSON.stringify([r.outcome, r.reasons.map((x) => x.message), r.diffs]);
  return newestFirst.filter((entry, i) => {
    const older = newestFirst[i + 1];
    return older === undefined || said(older.result) !== said(entry.result);
  });
}

function toUserResult(row: Database['user_results']): UserResult {
  return {
    userId: row.user_id,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    outcome: row.outcome,
    rule: row.rule as MatchRule | null,
    doc: row.itglue,
    psa: row.bms,
    docContactId: row.itglue_contact_id,
    psaContactId: row.bms_contact_id === null ? null : Number(row.bms_contact_id),
    reasons: JSON.parse(row.reasons) as Reason[],
    diffs: JSON.parse(row.diffs) as FieldDiff[],
  };
}

type Db = Kysely<Database> | Transaction<Database>;

/** A write about to be made, as the journal records it before the request. */
export type IntentEntry = Omit<JournalEntry, 'id' | 'status' | 'targetId'> & { readonly key: string };

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

/** Links written over what is stored for the same user: one statement, whatever their number. */
async function upsertLinkRows(db: Db, rows: readonly Database['links'][]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('links')
    .values([...rows])
    .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(linkUpdate))
    .execute();
}

/** A link upserted among others: each row's own values. */
const linkUpdate = (eb: ExpressionBuilder<OnConflictDatabase<Database, 'links'>, OnConflictTables<'links'>>) => ({
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

/** A create that another run is making, or made since this run began: this run stops rather than make it twice. */
export class SecondCreateError extends Error {
  readonly code = 'Conflict';
  constructor(entry: { readonly system: string; readonly userId: string }, otherRun: string | null, cause: unknown) {
    super(
      `Another run${otherRun === null ? '' : ` (${otherRun})`} is creating or has just created the ${entry.system === 'itglue' ? 'IT Glue' : 'BMS'} contact of user ${entry.userId}; this run stops so that it is not created twice, and the next run takes it into account.`,
      cause === null ? undefined : { cause },
    );
    this.name = 'SecondCreateError';
  }
}

/**
 * contactsync's state: tenants and their mapping, versioned settings, the directory snapshot and delta checkpoint,
 * links, runs, the write journal, per-user results, the conflicts queue and the audit log. SQL only: it knows no API.
 */
function toRunRecord(row: Selectable<RunTable>): RunRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as Record<string, number>),
    error: row.error,
  };
}

export class StateStore {
  /** PostgreSQL runs a data-modifying WITH; SQLite (in the process, no round trips) takes a transaction. */
  private readonly postgres: boolean;

  constructor(readonly db: Kysely<Database>) {
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // --- tenants ---

  async upsertTenant(id: string, displayName: string): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({
        id,
        display_name: displayName,
        itglue_organization_id: null,
        bms_account_id: null,
        itglue_organization_name: null,
        bms_account_name: null,
        mapping_note: null,
        mapping: 'unmapped',
        status: 'unmapped',
        approve_inactivations: 0,
        dirty: 1,
        created_at: now(),
        updated_at: now(),
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ display_name: displayName, updated_at: now() }))
      .execute();
  }

  async listTenants(): Promise<TenantRecord[]> {
    return (await this.db.selectFrom('tenants').selectAll().orderBy('display_name').orderBy('id').execute()).map(
      toTenant,
    );
  }

  async getTenant(id: string): Promise<TenantRecord | null> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toTenant(row);
  }

  async setMapping(
    id: string,
    itglueOrganizationId: string | null,
    bmsAccountId: number | null,
    mapping: TenantRecord['mapping'],
    names: { readonly doc: string | null; readonly bms: string | null; readonly note: string | null } = {
      doc: null,
      bms: null,
      note: null,
    },
  ): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({
        itglue_organization_id: itglueOrganizationId,
        bms_account_id: bmsAccountId,
        itglue_organization_name: names.doc,
        bms_account_name: names.bms,
        mapping_note: names.note,
        mapping,
        dirty: 1,
        updated_at: now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The names of what a tenant is mapped to, and the note, filled in for a mapping made by ids alone (the config's
   * tenants): the mapping is the same, so nothing has to be planned again.
   */
  async setMappingNames(
    id: string,
    mapped: { readonly doc: string | null; readonly bms: number | null },
    names: { readonly itglue: string | null; readonly psa: string | null; readonly note: string | null },
  ): Promise<void> {
    // Only while the tenant is still mapped to what was named: a person may have mapped it elsewhere meanwhile.
    await this.db
      .updateTable('tenants')
      .set({
        itglue_organization_name: names.itglue,
        bms_account_name: names.psa,
        mapping_note: names.note,
        updated_at: now(),
      })
      .where('id', '=', id)
      .where((eb) =>
        eb.and([
          mapped.doc === null
            ? eb('itglue_organization_id', 'is', null)
            : eb('itglue_organization_id', '=', mapped.doc),
          mapped.bms === null ? eb('bms_account_id', 'is', null) : eb('bms_account_id', '=', mapped.bms),
        ]),
      )
      .execute();
  }

  /** Says why a tenant is unmapped (or mapped to one system only); null clears it. */
  async setMappingNote(id: string, note: string | null): Promise<void> {
    await this.db.updateTable('tenants').set({ mapping_note: note }).where('id', '=', id).execute();
  }

  async setTenantStatus(id: string, status: string): Promise<void> {
    await this.db.updateTable('tenants').set({ status, updated_at: now() }).where('id', '=', id).execute();
  }

  async setApproval(id: string, approved: boolean): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ approve_inactivations: flag(approved), dirty: 1, updated_at: now() })
      .where('id', '=', id)
      .execute();
  }

  /** Something other than Microsoft changed for the tenant: the next run plans even if Microsoft reports nothing. */
  async markDirty(id: string, dirty = true): Promise<void> {
    await this.db
      .updateTable('tenants')
      .set({ dirty: flag(dirty) })
      .where('id', '=', id)
      .execute();
  }

  // --- settings (versioned: every save is a new version) ---

  async latestSettings(scope: string): Promise<{ version: number; json: unknown } | null> {
    const row = await this.db
      .selectFrom('settings')
      .selectAll()
      .where('scope', '=', scope)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : { version: Number(row.version), json: JSON.parse(row.json) };
  }

  async saveSettings(scope: string, json: unknown): Promise<number> {
    // Processes starting together may save the same settings at once: the loser of the race finds them saved.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.insertSettings(scope, json);
      } catch (error) {
        const latest = await this.latestSettings(scope);
        if (latest !== null && JSON.stringify(latest.json) === JSON.stringify(json)) return latest.version;
        if (attempt >= 3) throw error;
      }
    }
  }

  private insertSettings(scope: string, json: unknown): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const latest = await tx
        .selectFrom('settings')
        .select('version')
        .where('scope', '=', scope)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      const version = (latest === undefined ? 0 : Number(latest.version)) + 1;
      await tx
        .insertInto('settings')
        .values({ scope, version, json: JSON.stringify(json), created_at: now() })
        .execute();
      if (scope === 'global') await tx.updateTable('tenants').set({ dirty: 1 }).execute();
      else await tx.updateTable('tenants').set({ dirty: 1 }).where('id', '=', scope).execute();
      return version;
    });
  }

  // --- the directory snapshot and its checkpoint ---

  async loadUsers(tenantId: string): Promise<DirectoryUser[]> {
    const rows = await this.db
      .selectFrom('directory_users')
      .select('json')
      .where('tenant_id', '=', tenantId)
      .orderBy('user_id')
      .execute();
    return rows.map((row) => JSON.parse(row.json) as DirectoryUser);
  }

  /** Forgets every delta link: the next run of each tenant reads the directory in full. */
  async clearCheckpoints(): Promise<void> {
    await this.db.deleteFrom('checkpoints').execute();
  }

  async deltaLink(tenantId: string): Promise<string | null> {
    return (
      (
        await this.db
          .selectFrom('checkpoints')
          .select('delta_link')
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst()
      )?.delta_link ?? null
    );
  }

  /**
   * Stores what the directory reported and the link to read from next, together: the checkpoint is saved only with
   * the changes it covers, once the run that applied them is done.
   */
  async saveDirectory(tenantId: string, changes: DirectoryChanges): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      if (changes.kind === 'full') {
        await tx.deleteFrom('directory_users').where('tenant_id', '=', tenantId).execute();
        await this.insertUsers(tx, tenantId, changes.users);
      } else {
        const gone = [...changes.removed.map((r) => r.id), ...changes.changed.map((u) => u.id)];
        for (let i = 0; i < gone.length; i += 500) {
          await tx
            .deleteFrom('directory_users')
            .where('tenant_id', '=', tenantId)
            .where('user_id', 'in', gone.slice(i, i + 500))
            .execute();
        }
        await this.insertUsers(tx, tenantId, changes.changed);
      }
      await tx
        .insertInto('checkpoints')
        .values({ tenant_id: tenantId, delta_link: changes.deltaLink, updated_at: now() })
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ delta_link: changes.deltaLink, updated_at: now() }))
        .execute();
    });
  }

  private async insertUsers(tx: Db, tenantId: string, users: readonly DirectoryUser[]): Promise<void> {
    for (let i = 0; i < users.length; i += 200) {
      const slice = users.slice(i, i + 200);
      if (slice.length > 0)
        await tx
          .insertInto('directory_users')
          .values(slice.map((user) => ({ tenant_id: tenantId, user_id: user.id, json: JSON.stringify(user) })))
          .execute();
    }
  }

  // --- links ---

  async listLinks(tenantId: string): Promise<Link[]> {
    return (
      await this.db.selectFrom('links').selectAll().where('tenant_id', '=', tenantId).orderBy('user_id').execute()
    ).map(toLink);
  }

  async getLink(tenantId: string, userId: string): Promise<Link | null> {
    const row = await this.db
      .selectFrom('links')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? null : toLink(row);
  }

  async saveLink(tenantId: string, link: Link, db: Db = this.db): Promise<void> {
    await upsertLinkRows(db, [linkRow(tenantId, link)]);
  }

  /** Several links at once, in one statement a hundred at a time. */
  async saveLinks(tenantId: string, links: readonly Link[]): Promise<void> {
    for (let start = 0; start < links.length; start += 100)
      await upsertLinkRows(
        this.db,
        links.slice(start, start + 100).map((link) => linkRow(tenantId, link)),
      );
  }

  async setSyncDisabled(tenantId: string, userId: string, disabled: SyncDisabled): Promise<boolean> {
    const result = await this.db
      .updateTable('links')
      .set({ sync_disabled: disabled, updated_at: now() })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // --- runs ---

  /**
   * Starts a run. A run of the tenant still open was cut off (its process died: one run per tenant at a time), so it
   * is closed as interrupted: this run finishes its work from the journal.
   */
  async startRun(tenantId: string): Promise<string> {
    await this.db
      .updateTable('runs')
      .set({
        status: 'interrupted',
        finished_at: now(),
        error: 'The process stopped during this run; the next run finished its work.',
      })
      .where('tenant_id', '=', tenantId)
      .where('finished_at', 'is', null)
      .execute();
    const id = crypto.randomUUID();
    await this.db
      .insertInto('runs')
      .values({
        id,
        tenant_id: tenantId,
        started_at: now(),
        finished_at: null,
        status: 'running',
        counts: null,
        error: null,
      })
      .execute();
    return id;
  }

  async finishRun(
    id: string,
    status: string,
    counts: Record<string, number>,
    error: string | null = null,
  ): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ finished_at: now(), status, counts: JSON.stringify(counts), error })
      .where('id', '=', id)
      .execute();
  }

  async listRuns(tenantId?: string, limit = 50): Promise<RunRecord[]> {
    let query = this.db.selectFrom('runs').selectAll().orderBy('started_at', 'desc').limit(limit);
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    return (await query.execute()).map(toRunRecord);
  }

  /** Per tenant, its latest run and its latest run that did more than find nothing changed: two queries for all. */
  async latestRuns(): Promise<Map<string, { last: RunRecord; lastWork: RunRecord | null }>> {
    const latest = (onlyWork: boolean) =>
      this.db
        .selectFrom('runs as r')
        .selectAll('r')
        .where('r.started_at', '=', (eb) => {
          let newest = eb
            .selectFrom('runs as x')
            .select((x) => x.fn.max('x.started_at').as('at'))
            .whereRef('x.tenant_id', '=', 'r.tenant_id');
          if (onlyWork) newest = newest.where('x.status', '!=', 'unchanged');
          return newest;
        })
        .execute();
    const result = new Map<string, { last: RunRecord; lastWork: RunRecord | null }>();
    for (const row of await latest(false)) result.set(row.tenant_id, { last: toRunRecord(row), lastWork: null });
    for (const row of await latest(true)) {
      const entry = result.get(row.tenant_id);
      if (entry !== undefined) result.set(row.tenant_id, { ...entry, lastWork: toRunRecord(row) });
    }
    return result;
  }

  async getRun(id: string): Promise<RunRecord | null> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRunRecord(row);
  }

  /** The runs whose id starts with `prefix` (the first characters a technician copies), at most `limit`. */
  async runsStartingWith(prefix: string, limit: number): Promise<RunRecord[]> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('runs')
      .selectAll()
      .where(sql<boolean>`${sql.ref('id')} LIKE ${pattern} ESCAPE '\\'`)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRunRecord);
  }

  // --- the write journal ---

  /**
   * Records the intent before a write; returns the entry's id. The same key twice is one intent. A create is refused
   * (thrown) when another run is creating the same user's contact in the same system, or created it since this run
   * began: whichever run started a create, every other run recognises it.
   */
  async journalIntent(entry: IntentEntry): Promise<string> {
    return (await this.journalIntents([entry]))[0]!;
  }

  /**
   * The intents of one request's writes (an IT Glue batch), of one run, tenant and system: their ids in the order
   * given, in three statements whatever their number. A create another run is making is refused as `journalIntent`
   * refuses it: found before the insert, none of the batch is journalled; found by the insert itself (the other run's
   * intent landed in between), the batch is journalled one by one up to that user, as `journalIntent` would.
   */
  async journalIntents(entries: readonly IntentEntry[]): Promise<string[]> {
    if (entries.length === 0) return [];
    const creates = entries.filter((entry) => entry.operation === 'create');
    if (creates.length > 0) await this.refuseSecondCreates(creates);
    const ids = new Map<string, string>();
    try {
      const inserted = await this.db
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
      if (entries.length === 1) throw new SecondCreateError(entries[0]!, null, error);
      // Nothing of the batch was written: one at a time, each as far as the one another run holds, which is named.
      const one: string[] = [];
      for (const entry of entries) one.push(await this.journalIntent(entry));
      return one;
    }
    // Keys journalled before (a run finishing an earlier attempt) keep their entry.
    const missing = entries.filter((entry) => !ids.has(entry.key)).map((entry) => entry.key);
    if (missing.length > 0) {
      const rows = await this.db
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

  private async refuseSecondCreates(entries: readonly IntentEntry[]): Promise<void> {
    const first = entries[0]!;
    const other = await this.db
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
      throw new SecondCreateError({ system: first.system, userId: other.user_id }, other.run_id, null);
  }

  /** Marks a write done and stores the link it produced, together. */
  async journalDone(id: string, targetId: string | null, link: { tenantId: string; link: Link } | null): Promise<void> {
    await this.journalSettled([{ id, targetId, link }]);
  }

  /**
   * Writes done, each with the link it produced, recorded together: all or none, so that a crash leaves each either
   * recorded or an intent the next run recovers. On PostgreSQL one statement, whatever their number.
   */
  async journalSettled(
    done: readonly { id: string; targetId: string | null; link: { tenantId: string; link: Link } | null }[],
  ): Promise<void> {
    if (done.length === 0) return;
    const at = now();
    const targets = sql<string | null>`CASE ${sql.ref('id')} ${sql.join(
      done.map((d) => sql`WHEN ${d.id} THEN ${d.targetId}`),
      sql` `,
    )} END`;
    const settle = (db: Db) =>
      db
        .updateTable('journal')
        .set({ status: 'done', target_id: targets, updated_at: at })
        .where(
          'id',
          'in',
          done.map((d) => d.id),
        );
    const links = done.flatMap((d) => (d.link === null ? [] : [linkRow(d.link.tenantId, d.link.link)]));
    if (this.postgres) {
      // A data-modifying WITH runs to completion with the statement that holds it: one statement, one round trip.
      if (links.length === 0) await settle(this.db).execute();
      else
        await this.db
          .with('settled', () => settle(this.db).returning('id'))
          .insertInto('links')
          .values(links)
          .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet(linkUpdate))
          .execute();
      return;
    }
    await this.db.transaction().execute(async (tx) => {
      await settle(tx).execute();
      await upsertLinkRows(tx, links);
    });
  }

  async journalFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('journal')
      .set({ status: 'failed', error, updated_at: now() })
      .where('id', '=', id)
      .execute();
  }

  async unfinishedJournal(tenantId: string): Promise<JournalEntry[]> {
    const rows = await this.db
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
  async createdContacts(tenantId: string): Promise<{ userId: string; system: 'itglue' | 'bms'; targetId: string }[]> {
    const rows = await this.db
      .selectFrom('journal')
      .select(['user_id', 'system', 'target_id'])
      .where('tenant_id', '=', tenantId)
      .where('operation', '=', 'create')
      .where('status', '=', 'done')
      .where('target_id', 'is not', null)
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      system: row.system as 'itglue' | 'bms',
      targetId: row.target_id!,
    }));
  }

  // --- per-user results ---

  async saveResults(runId: string, tenantId: string, results: readonly UserResult[]): Promise<void> {
    // A person still held keeps the time they were first held: their earlier standing result says since when.
    const standing = results.some((r) => r.outcome === 'held')
      ? new Map((await this.standingResults(tenantId)).map((r) => [r.userId, r]))
      : new Map<string, StandingResult>();
    const startedAt = (await this.getRun(runId))?.startedAt ?? now();
    const heldSince = (result: UserResult): string | null => {
      if (result.outcome !== 'held') return null;
      const before = standing.get(result.userId);
      return before?.outcome === 'held' ? before.heldSince : startedAt;
    };
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < results.length; i += 100) {
        await tx
          .insertInto('user_results')
          .values(
            results.slice(i, i + 100).map((r) => ({
              run_id: runId,
              tenant_id: tenantId,
              user_id: r.userId,
              user_principal_name: r.userPrincipalName,
              display_name: r.displayName,
              outcome: r.outcome,
              rule: r.rule,
              itglue: r.doc,
              bms: r.psa,
              itglue_contact_id: r.docContactId,
              bms_contact_id: r.psaContactId,
              reasons: JSON.stringify(r.reasons),
              diffs: JSON.stringify(r.diffs),
              held_since: heldSince(r),
            })),
          )
          .execute();
      }
    });
  }

  async resultsOfRun(runId: string): Promise<UserResult[]> {
    const rows = await this.db
      .selectFrom('user_results')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('user_id')
      .execute();
    return rows.map(toUserResult);
  }

  // --- the conflicts queue ---

  /** Opens a conflict for each dispute not already open, and closes open ones that are no longer disputed. */
  async syncConflicts(
    tenantId: string,
    disputes: readonly Omit<
      ConflictRecord,
      'id' | 'tenantId' | 'status' | 'resolution' | 'resolutionTarget' | 'createdAt'
    >[],
  ): Promise<void> {
    // The conflicts one run finds are found at one time, so that they are listed by user (see listConflicts).
    const foundAt = now();
    await this.db.transaction().execute(async (tx) => {
      const open = await tx
        .selectFrom('conflicts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'open')
        .execute();
      const wanted = new Map(disputes.map((d) => [conflictKey(d.userId, d.side), d]));
      for (const row of open) {
        const dispute = wanted.get(conflictKey(row.user_id, row.side));
        if (dispute === undefined) {
          await tx
            .updateTable('conflicts')
            .set({ status: 'resolved', resolution: null, resolved_at: now() })
            .where('id', '=', row.id)
            .execute();
        } else {
          wanted.delete(conflictKey(row.user_id, row.side));
          await tx
            .updateTable('conflicts')
            .set({
              candidates: JSON.stringify(dispute.candidates),
              candidate_labels: labelsRow(dispute),
              rule: dispute.rule,
            })
            .where('id', '=', row.id)
            .execute();
        }
      }
      for (const d of wanted.values()) {
        await tx
          .insertInto('conflicts')
          .values({
            id: crypto.randomUUID(),
            tenant_id: tenantId,
            user_id: d.userId,
            user_principal_name: d.userPrincipalName,
            side: d.side,
            rule: d.rule,
            candidates: JSON.stringify(d.candidates),
            candidate_labels: labelsRow(d),
            status: 'open',
            resolution: null,
            resolution_target: null,
            created_at: foundAt,
            resolved_at: null,
          })
          .execute();
      }
    });
  }

  async listConflicts(
    options: { tenantId?: string; status?: 'open' | 'resolved'; id?: string } = {},
  ): Promise<ConflictRecord[]> {
    // Conflicts found by one run share their time: they are listed by user, so that the list reads the same every time.
    let query = this.db
      .selectFrom('conflicts')
      .selectAll()
      .orderBy('created_at')
      .orderBy('user_principal_name')
      .orderBy('side')
      .orderBy('id');
    if (options.tenantId !== undefined) query = query.where('tenant_id', '=', options.tenantId);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    if (options.id !== undefined) query = query.where('id', '=', options.id);
    return (await query.execute()).map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      userPrincipalName: row.user_principal_name,
      side: row.side as ConflictRecord['side'],
      rule: row.rule,
      candidates: JSON.parse(row.candidates) as string[],
      ...(row.candidate_labels === null
        ? {}
        : { candidateLabels: JSON.parse(row.candidate_labels) as Record<string, string> }),
      status: row.status as ConflictRecord['status'],
      resolution: row.resolution as ConflictRecord['resolution'],
      resolutionTarget: row.resolution_target,
      createdAt: row.created_at,
    }));
  }

  async resolveConflict(
    id: string,
    resolution: 'link' | 'create' | 'ignore',
    target: string | null,
  ): Promise<ConflictRecord | null> {
    const conflict = (await this.listConflicts()).find((c) => c.id === id);
    if (conflict === undefined || conflict.status !== 'open') return null;
    await this.db
      .updateTable('conflicts')
      .set({ status: 'resolved', resolution, resolution_target: target, resolved_at: now() })
      .where('id', '=', id)
      .execute();
    await this.markDirty(conflict.tenantId);
    return { ...conflict, status: 'resolved', resolution, resolutionTarget: target };
  }

  /** The operators' create and ignore answers to disputes, as planner input. */
  async decisions(tenantId: string): Promise<OperatorDecision[]> {
    const rows = await this.db
      .selectFrom('conflicts')
      .select(['user_id', 'side', 'resolution'])
      .where('tenant_id', '=', tenantId)
      .where('resolution', 'in', ['create', 'ignore'])
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      side: row.side as OperatorDecision['side'],
      choice: row.resolution as OperatorDecision['choice'],
    }));
  }

  /** One person's standing create or ignore decisions (at most one per side). */
  async decisionsOf(tenantId: string, userId: string): Promise<(OperatorDecision & { readonly at: string })[]> {
    const rows = await this.db
      .selectFrom('conflicts')
      .select(['user_id', 'side', 'resolution', 'resolved_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '=', 'resolved')
      .where('resolution', 'in', ['create', 'ignore'])
      .orderBy('resolved_at', 'desc')
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      side: row.side as OperatorDecision['side'],
      choice: row.resolution as OperatorDecision['choice'],
      at: row.resolved_at ?? '',
    }));
  }

  /**
   * Takes back a person's create and ignore decisions (on one side, or both): their conflicts are open again, in the
   * queue, and the next sync decides them afresh. Returns how many were taken back.
   */
  async reopenDecisions(tenantId: string, userId: string, side?: 'itglue' | 'bms'): Promise<number> {
    let query = this.db
      .updateTable('conflicts')
      .set({ status: 'open', resolution: null, resolution_target: null, resolved_at: null })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '=', 'resolved')
      .where('resolution', 'in', ['create', 'ignore']);
    if (side !== undefined) query = query.where('side', '=', side);
    const result = await query.executeTakeFirst();
    const reopened = Number(result.numUpdatedRows);
    if (reopened > 0) await this.markDirty(tenantId);
    return reopened;
  }

  /** Closes a person's open conflicts on one side as settled by a link (an operator linked them by hand). */
  async settleConflicts(tenantId: string, userId: string, side: 'itglue' | 'bms', target: string): Promise<void> {
    await this.db
      .updateTable('conflicts')
      .set({ status: 'resolved', resolution: 'link', resolution_target: target, resolved_at: now() })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('side', '=', side)
      .where('status', '=', 'open')
      .execute();
  }

  /** Forgets a person's link: the next sync matches them afresh by the rules. */
  async deleteLink(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('links')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The person whose link holds this IT Glue (or BMS) contact, if any. */
  async linkedTo(tenantId: string, system: 'itglue' | 'bms', contactId: string): Promise<string | null> {
    const row = await (
      system === 'itglue'
        ? this.db
            .selectFrom('links')
            .select('user_id')
            .where('tenant_id', '=', tenantId)
            .where('doc_contact_id', '=', contactId)
        : this.db
            .selectFrom('links')
            .select('user_id')
            .where('tenant_id', '=', tenantId)
            .where('psa_contact_id', '=', Number(contactId))
    ).executeTakeFirst();
    return row?.user_id ?? null;
  }

  // --- one user of the snapshot (Sync now) ---

  async saveUser(tenantId: string, user: DirectoryUser): Promise<void> {
    await this.db
      .insertInto('directory_users')
      .values({ tenant_id: tenantId, user_id: user.id, json: JSON.stringify(user) })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ json: JSON.stringify(user) }))
      .execute();
  }

  /** One user of a tenant's snapshot, as Microsoft 365 held it at the last read. */
  async directoryUser(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const row = await this.db
      .selectFrom('directory_users')
      .select('json')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? null : (JSON.parse(row.json) as DirectoryUser);
  }

  /** The tenant and stored state of a user, found by id or sign-in name. */
  async findUser(idOrUpn: string): Promise<{ tenantId: string; user: DirectoryUser } | null> {
    const byId = await this.db
      .selectFrom('directory_users')
      .select(['tenant_id', 'json'])
      .where('user_id', '=', idOrUpn)
      .executeTakeFirst();
    if (byId !== undefined) return { tenantId: byId.tenant_id, user: JSON.parse(byId.json) as DirectoryUser };
    const wanted = idOrUpn.toLowerCase();
    for (const row of await this.db.selectFrom('directory_users').select(['tenant_id', 'json']).execute()) {
      const user = JSON.parse(row.json) as DirectoryUser;
      if (user.userPrincipalName.toLowerCase() === wanted) return { tenantId: row.tenant_id, user };
    }
    return null;
  }

  /**
   * A person's history, newest first: what each tenant run did for them, and what operators did to them (Sync now,
   * unlink, relink, a decision reopened).
   */
  async userHistory(tenantId: string, userId: string, limit = 10): Promise<HistoryEntry[]> {
    const runs = await this.db
      .selectFrom('user_results')
      .innerJoin('runs', 'runs.id', 'user_results.run_id')
      .selectAll('user_results')
      .select('runs.started_at')
      .where('user_results.tenant_id', '=', tenantId)
      .where('user_results.user_id', '=', userId)
      // A run that left the person as they were is no news in their history.
      .where('user_results.outcome', '!=', 'unchanged')
      .orderBy('runs.started_at', 'desc')
      // Room for the repeats dropped below (a person held for many runs), within a bound.
      .limit(limit * 10)
      .execute();
    const actions = await this.db
      .selectFrom('contact_actions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    const entries: HistoryEntry[] = [
      ...newsOnly(
        runs.map((row) => ({ at: row.started_at, runId: row.run_id, action: null, result: toUserResult(row) })),
      ),
      ...actions.map((row) => ({
        at: row.at,
        runId: null,
        action: { kind: row.action, actor: row.actor, summary: row.summary },
        result: row.result === null ? null : (JSON.parse(row.result) as UserResult),
      })),
    ];
    return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }

  /** Records what an operator did to one person, for their history. */
  async addContactAction(entry: {
    readonly tenantId: string;
    readonly userId: string;
    readonly actor: string;
    readonly action: string;
    readonly summary: string;
    readonly result?: UserResult | null;
  }): Promise<void> {
    await this.db
      .insertInto('contact_actions')
      .values({
        id: crypto.randomUUID(),
        tenant_id: entry.tenantId,
        user_id: entry.userId,
        at: now(),
        actor: entry.actor,
        action: entry.action,
        summary: entry.summary,
        result: entry.result === undefined || entry.result === null ? null : JSON.stringify(entry.result),
      })
      .execute();
  }

  /** The latest run of a tenant that has per-user results (a run that failed before planning has none). */
  private async latestResultsRun(tenantId: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('runs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.exists(eb.selectFrom('user_results').select('run_id').whereRef('run_id', '=', 'runs.id')))
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /** Each person's latest outcome: from the tenant's latest run, or a later Sync now. */
  async latestOutcomes(tenantId: string): Promise<Map<string, string>> {
    const outcomes = new Map<string, string>();
    const runId = await this.latestResultsRun(tenantId);
    if (runId === null) return outcomes;
    const rows = await this.db
      .selectFrom('user_results')
      .select(['user_id', 'outcome'])
      .where('run_id', '=', runId)
      .execute();
    for (const row of rows) outcomes.set(row.user_id, row.outcome);
    const run = await this.getRun(runId);
    const later = await this.db
      .selectFrom('contact_actions')
      .select(['user_id', 'result'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'sync-now')
      .where('at', '>', run?.startedAt ?? '')
      .orderBy('at')
      .execute();
    for (const row of later)
      if (row.result !== null) outcomes.set(row.user_id, (JSON.parse(row.result) as UserResult).outcome);
    return outcomes;
  }

  /**
   * Each person's result as it stands now: the tenant's latest run with results, then a later Sync now over it; with
   * the run (null for Sync now) and when.
   */
  async standingResults(tenantId: string): Promise<StandingResult[]> {
    const runId = await this.latestResultsRun(tenantId);
    if (runId === null) return [];
    const run = await this.getRun(runId);
    const at = run?.startedAt ?? '';
    const byUser = new Map<string, StandingResult>();
    const rows = await this.db.selectFrom('user_results').selectAll().where('run_id', '=', runId).execute();
    for (const row of rows)
      byUser.set(row.user_id, { ...toUserResult(row), runId, at, heldSince: row.held_since ?? at });
    const later = await this.db
      .selectFrom('contact_actions')
      .select(['user_id', 'result', 'at'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'sync-now')
      .where('at', '>', at)
      .orderBy('at')
      .execute();
    for (const row of later)
      if (row.result !== null) {
        const result = JSON.parse(row.result) as UserResult;
        const before = byUser.get(row.user_id);
        const heldSince = before?.outcome === 'held' ? before.heldSince : row.at;
        byUser.set(row.user_id, { ...result, runId: null, at: row.at, heldSince });
      }
    return [...byUser.values()];
  }

  /** The users held from BMS and the users disputed, as they stand now: from the latest run and the open conflicts. */
  async openUsers(tenantId: string): Promise<{ held: Set<string>; disputed: Set<string> }> {
    const runId = await this.latestResultsRun(tenantId);
    const held =
      runId === null
        ? []
        : await this.db
            .selectFrom('user_results')
            .select('user_id')
            .where('run_id', '=', runId)
            .where('outcome', '=', 'held')
            .execute();
    const disputed = await this.db
      .selectFrom('conflicts')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'open')
      .execute();
    return { held: new Set(held.map((r) => r.user_id)), disputed: new Set(disputed.map((r) => r.user_id)) };
  }

  // --- people who sign in to the web UI ---

  async addUser(username: string, passwordHash: string, role: WebRole): Promise<boolean> {
    const result = await this.db
      .insertInto('users')
      .values({ username, password_hash: passwordHash, role, created_at: now() })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async getUser(username: string): Promise<WebUser | null> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row === undefined
      ? null
      : { username: row.username, passwordHash: row.password_hash, role: row.role as WebRole };
  }

  /** Every login, with when it was made and how many live sessions it has. */
  async listUsers(): Promise<{ username: string; role: WebRole; createdAt: string; sessions: number }[]> {
    const rows = await this.db
      .selectFrom('users')
      .leftJoin('sessions', (join) =>
        join.onRef('sessions.username', '=', 'users.username').on('sessions.expires_at', '>', now()),
      )
      .select([
        'users.username',
        'users.role',
        'users.created_at',
        (eb) => eb.fn.count<number>('sessions.token_hash').as('n'),
      ])
      .groupBy(['users.username', 'users.role', 'users.created_at'])
      .orderBy('users.username')
      .execute();
    return rows.map((row) => ({
      username: row.username,
      role: row.role as WebRole,
      createdAt: row.created_at,
      sessions: Number(row.n),
    }));
  }

  /**
   * Removes a login, or gives it a new role or password, and ends its sessions (it signs in again, as what it now
   * is). Refused when it would leave no admin: the admins are locked first (a write to their rows), so that two
   * changes at once cannot both take away the last one.
   */
  async changeUser(
    username: string,
    change:
      | { readonly kind: 'remove' }
      | { readonly kind: 'role'; readonly role: WebRole }
      | { readonly kind: 'password'; readonly passwordHash: string },
  ): Promise<'done' | 'no-user' | 'last-admin'> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('users')
        .set((eb) => ({ role: eb.ref('role') }))
        .where('role', '=', 'admin')
        .execute();
      const user = await tx.selectFrom('users').select('role').where('username', '=', username).executeTakeFirst();
      if (user === undefined) return 'no-user';
      const losesAdmin =
        user.role === 'admin' && (change.kind === 'remove' || (change.kind === 'role' && change.role !== 'admin'));
      if (losesAdmin) {
        const others = await tx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'admin')
          .where('username', '!=', username)
          .executeTakeFirstOrThrow();
        if (Number(others.n) === 0) return 'last-admin';
      }
      if (change.kind === 'remove') await tx.deleteFrom('users').where('username', '=', username).execute();
      else
        await tx
          .updateTable('users')
          .set(change.kind === 'role' ? { role: change.role } : { password_hash: change.passwordHash })
          .where('username', '=', username)
          .execute();
      await tx.deleteFrom('sessions').where('username', '=', username).execute();
      return 'done';
    });
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Opens a session; sessions that expired are forgotten here, once per sign-in rather than on every request. */
  async createSession(tokenHash: string, username: string, expiresAt: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now()).execute();
    await this.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, username, created_at: now(), expires_at: expiresAt.toISOString() })
      .execute();
  }

  /** The user of a live (unexpired) session. */
  async sessionUser(tokenHash: string): Promise<{ username: string; role: WebRole } | null> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.username', 'sessions.username')
      .select(['users.username', 'users.role'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now())
      .executeTakeFirst();
    return row === undefined ? null : { username: row.username, role: row.role as WebRole };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  async addApiToken(token: {
    id: string;
    name: string;
    tokenHash: string;
    role: WebRole;
    createdBy: string;
  }): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        token_hash: token.tokenHash,
        role: token.role,
        created_by: token.createdBy,
        created_at: now(),
        last_used_at: null,
      })
      .execute();
  }

  async apiTokenUser(tokenHash: string): Promise<{ name: string; role: WebRole } | null> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'last_used_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return null;
    // "Last used" to the minute: a busy client does not write a row per request.
    const at = now();
    if (row.last_used_at === null || row.last_used_at.slice(0, 16) !== at.slice(0, 16))
      await this.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    return { name: row.name, role: row.role as WebRole };
  }

  async listApiTokens(): Promise<
    { id: string; name: string; role: WebRole; createdBy: string; createdAt: string; lastUsedAt: string | null }[]
  > {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role as WebRole,
      createdBy: row.created_by,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  async revokeApiToken(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** A random secret of this installation, made the first time it is asked for (every process gets the same one). */
  async appSecret(name: string): Promise<string> {
    const fresh = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
    await this.db
      .insertInto('app_secrets')
      .values({ name, value: fresh })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow())
      .value;
  }

  // --- attempts counted in windows (the sign-in limit), in the table of the shared request budgets ---

  /**
   * Counts one attempt under `key` in a window of `windowMs` that opens with the key's first attempt; returns the count
   * so far and when the window closes (epoch ms). One statement, so that attempts at the same moment are all counted.
   */
  async countAttempt(key: string, windowMs: number, at = Date.now()): Promise<{ count: number; resetAt: number }> {
    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, points: 1, expire: at + windowMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const closed = eb('rate_limits.expire', '<=', at);
          return {
            points: eb
              .case()
              .when(closed)
              .then(1)
              .else(eb('rate_limits.points', '+', 1))
              .end(),
            expire: eb
              .case()
              .when(closed)
              .then(at + windowMs)
              .else(eb.ref('rate_limits.expire'))
              .end(),
          };
        }),
      )
      .returning(['points', 'expire'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.points), resetAt: Number(row.expire) };
  }

  /** Takes back one attempt counted under `key` (one that turned out to be allowed). */
  async uncountAttempt(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set((eb) => ({ points: eb('points', '-', 1) }))
      .where('key', '=', key)
      .where('points', '>', 0)
      .execute();
  }

  async forgetAttempts(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom('rate_limits').where('key', 'in', keys).execute();
  }

  /** Forgets the counts under `prefix` whose window has closed. */
  async forgetClosedAttempts(prefix: string, at = Date.now()): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', 'like', `${prefix}%`).where('expire', '<=', at).execute();
  }

  // --- metrics ---

  /** Adds to counters (created at zero when new); one transaction for the whole batch. */
  async addCounters(entries: readonly { name: string; labels: string; value: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      for (const entry of entries) {
        await tx
          .insertInto('metric_counters')
          .values(entry)
          .onConflict((oc) =>
            oc
              .columns(['name', 'labels'])
              .doUpdateSet((eb) => ({ value: eb('metric_counters.value', '+', eb.ref('excluded.value')) })),
          )
          .execute();
      }
    });
  }

  async counters(): Promise<{ name: string; labels: string; value: number }[]> {
    return (await this.db.selectFrom('metric_counters').selectAll().orderBy('name').orderBy('labels').execute()).map(
      (r) => ({ ...r, value: Number(r.value) }),
    );
  }

  /** Totals kept by the state itself: runs by status, writes done by system and operation, users failed. */
  async syncTotals(): Promise<{
    runs: { status: string; n: number }[];
    writes: { system: string; operation: string; n: number }[];
    failedUsers: number;
  }> {
    const runs = await this.db
      .selectFrom('runs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .orderBy('status')
      .execute();
    const writes = await this.db
      .selectFrom('journal')
      .select(['system', 'operation', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', '=', 'done')
      .groupBy(['system', 'operation'])
      .orderBy('system')
      .orderBy('operation')
      .execute();
    const failed = await this.db
      .selectFrom('user_results')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('outcome', '=', 'failed')
      .executeTakeFirstOrThrow();
    return {
      runs: runs.map((r) => ({ status: r.status, n: Number(r.n) })),
      writes: writes.map((w) => ({ system: w.system, operation: w.operation, n: Number(w.n) })),
      failedUsers: Number(failed.n),
    };
  }

  /** When the tenant's Microsoft 365 changes were last read (the delta link's time), or null. */
  async lastReadAt(tenantId: string): Promise<string | null> {
    return (
      (
        await this.db
          .selectFrom('checkpoints')
          .select('updated_at')
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst()
      )?.updated_at ?? null
    );
  }

  // --- the audit log ---

  /** Records an admin action; `about` names the tenant and the person it concerns, for filters and links. */
  async audit(
    actor: string,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
    about: { readonly tenantId?: string; readonly userId?: string } = {},
  ): Promise<void> {
    await this.db
      .insertInto('audit')
      .values({
        id: crypto.randomUUID(),
        at: now(),
        actor,
        action,
        target,
        details: JSON.stringify(details),
        tenant_id: about.tenantId ?? null,
        user_id: about.userId ?? null,
      })
      .execute();
  }

  /** The audit log, newest first, filtered by tenant, person, who and what (an action or its family: `contact`). */
  async listAudit(filter: AuditFilter | number = {}): Promise<AuditEntry[]> {
    const options: AuditFilter = typeof filter === 'number' ? { limit: filter } : filter;
    let query = this.db
      .selectFrom('audit')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 100)
      .offset(options.offset ?? 0);
    if (options.tenantId !== undefined && options.aboutTenantOnly === true)
      query = query.where('tenant_id', '=', options.tenantId);
    else if (options.tenantId !== undefined)
      query = query.where((eb) =>
        // Older entries name their tenant as the target; a sign-in's target is only the name someone typed.
        eb.or([
          eb('tenant_id', '=', options.tenantId!),
          eb.and([eb('target', '=', options.tenantId!), eb('action', 'not like', 'login.%')]),
        ]),
      );
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    if (options.actor !== undefined) query = query.where('actor', '=', options.actor);
    if (options.action !== undefined)
      query = query.where((eb) =>
        eb.or([eb('action', '=', options.action!), eb('action', 'like', `${options.action!.replace(/[%_]/g, '')}.%`)]),
      );
    return (await query.execute()).map((row) => ({
      at: row.at,
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as Record<string, unknown>,
      tenantId: row.tenant_id,
      userId: row.user_id,
    }));
  }

  /** Who appears in the audit log, for the log's filter. */
  async auditActors(): Promise<string[]> {
    return (await this.db.selectFrom('audit').select('actor').distinct().orderBy('actor').execute()).map(
      (r) => r.actor,
    );
  }
}
