import type { Generated } from 'kysely';

/**
 * The state database, one schema for SQLite and PostgreSQL: text ids, ISO timestamps as text, JSON as text and
 * booleans as 0/1, so that every query runs unchanged on both.
 */
export interface Database {
  tenants: TenantTable;
  settings: SettingsTable;
  directory_users: DirectoryUserTable;
  checkpoints: CheckpointTable;
  links: LinkTable;
  tenant_targets: TenantTargetTable;
  contact_links: ContactLinkTable;
  runs: RunTable;
  journal: JournalTable;
  user_results: UserResultTable;
  conflicts: ConflictTable;
  audit: AuditTable;
  contact_actions: ContactActionTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  app_secrets: AppSecretTable;
  metric_counters: MetricCounterTable;
  rate_limits: RateLimitTable;
  alert_events: AlertEventTable;
  alert_deliveries: AlertDeliveryTable;
  alert_batches: AlertBatchTable;
  graph_subscriptions: GraphSubscriptionTable;
  tenant_locks: TenantLockTable;
}

interface TenantTable {
  id: string;
  display_name: string;
  /** why the tenant is unmapped, or mapped to the documentation platform alone */
  mapping_note: string | null;
  /** auto (matched by name), manual (chosen by a person), unmapped */
  mapping: string;
  /** ok, needs approval, failed, unmapped */
  status: string;
  approve_inactivations: number;
  /** something other than Microsoft changed (settings, a decision): the next run must plan even without changes */
  dirty: number;
  created_at: string;
  updated_at: string;
}

interface SettingsTable {
  /** `global` or a tenant id */
  scope: string;
  version: number;
  json: string;
  created_at: string;
}

interface DirectoryUserTable {
  tenant_id: string;
  user_id: string;
  json: string;
}

interface CheckpointTable {
  tenant_id: string;
  delta_link: string;
  updated_at: string;
}

/** What a tenant is mapped to in one target: a row per tenant and target. */
interface TenantTargetTable {
  tenant_id: string;
  /** the target's id (its config key) */
  target_id: string;
  /** the customer's id in the target, as text whatever its type there; null: not mapped there */
  customer_id: string | null;
  /** the customer's name when the tenant was mapped */
  customer_name: string | null;
  updated_at: string;
}

/** A person's link: what holds for all of their contacts (a row per person; each contact is a ContactLinkTable row). */
interface LinkTable {
  tenant_id: string;
  user_id: string;
  /** how the documentation platform's contact was first matched; null when contactsync created it */
  rule: string | null;
  sync_disabled: string;
  /** what contactsync wrote on the documentation platform's contact: its addresses and phones */
  owned_emails: string;
  owned_phones: string;
  updated_at: string;
}

/** A person's contact in one target: a row per person and target. */
interface ContactLinkTable {
  tenant_id: string;
  user_id: string;
  target_id: string;
  /** the contact's id in the target, as text; null: no contact there */
  contact_id: string | null;
  /** "hand" when a person chose the contact; null: matched or created by the sync */
  origin: string | null;
  /** JSON: the fields as last written, for the fields the target's listings do not report */
  pushed: string | null;
  updated_at: string;
}

export interface RunTable {
  id: string;
  tenant_id: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  counts: string | null;
  error: string | null;
}

interface JournalTable {
  id: string;
  run_id: string;
  tenant_id: string;
  user_id: string;
  system: string;
  operation: string;
  /** unique: one intent per run, user, system and operation */
  idempotency_key: string;
  payload: string;
  /** intent, done, failed */
  status: string;
  target_id: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

interface UserResultTable {
  run_id: string;
  tenant_id: string;
  user_id: string;
  user_principal_name: string;
  display_name: string | null;
  outcome: string;
  rule: string | null;
  /** what the run did in the documentation platform and in the PSA */
  doc: string;
  psa: string;
  doc_contact_id: string | null;
  psa_contact_id: number | null;
  reasons: string;
  diffs: string;
  /** for a held result: when the person was first held, in the unbroken run of results that held them */
  held_since: string | null;
}

interface ConflictTable {
  id: string;
  tenant_id: string;
  user_id: string;
  user_principal_name: string;
  /** the id of the target the dispute is in */
  side: string;
  rule: string | null;
  candidates: string;
  /** JSON: candidate id → label, as the run that found the dispute read them; null before it was recorded */
  candidate_labels: string | null;
  /** open or resolved */
  status: string;
  /** link, create or ignore */
  resolution: string | null;
  resolution_target: string | null;
  created_at: string;
  resolved_at: string | null;
}

interface AuditTable {
  id: Generated<string>;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: string;
  tenant_id: string | null;
  user_id: string | null;
}

/** What an operator did to one person: Sync now, unlink, relink, reopen a decision; shown on their history. */
interface ContactActionTable {
  id: string;
  tenant_id: string;
  user_id: string;
  at: string;
  actor: string;
  action: string;
  /** one sentence a technician reads */
  summary: string;
  /** the user's result when the action ran the sync (Sync now), as JSON */
  result: string | null;
}

/** People who sign in to the web UI. */
interface UserTable {
  username: string;
  /** scrypt: `scrypt$N$r$p$salt$hash`, base64 */
  password_hash: string;
  /** viewer or admin */
  role: string;
  created_at: string;
}

/** A signed-in browser: the cookie holds the token, the store only its SHA-256. */
interface SessionTable {
  token_hash: string;
  username: string;
  created_at: string;
  expires_at: string;
}

/** A token for the REST API (`Authorization: Bearer ...`), kept as its SHA-256. */
interface ApiTokenTable {
  id: string;
  name: string;
  token_hash: string;
  /** viewer or admin */
  role: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
}

/** Secrets the installation makes for itself (the key CSRF tokens are signed with), shared by every process. */
interface AppSecretTable {
  name: string;
  value: string;
}

/** Counters every process adds to (API 429s, latency histogram buckets), read by `/metrics` of any process. */
interface MetricCounterTable {
  name: string;
  /** the Prometheus label set, rendered: `{api="<target id>"}`, or empty */
  labels: string;
  value: number;
}

/** The request budgets shared by workers (rate-limiter-flexible's table layout). */
interface RateLimitTable {
  key: string;
  points: number;
  expire: number | null;
}

/** Something that waits for a person, recorded once (unique by kind, tenant and item) for the alerts to carry. */
interface AlertEventTable {
  id: string;
  /** conflict, held, guard-halt, failed, contract-mismatch */
  kind: string;
  tenant_id: string;
  /** what the event is about within its kind: a conflict id, a user id, a run id */
  item_key: string;
  subject: string;
  detail: string;
  /** the page of the item, from the web UI's root */
  path: string;
  created_at: string;
}

/** An event carried by a channel's message: never carried twice. */
interface AlertDeliveryTable {
  channel_id: string;
  event_id: string;
  sent_at: string;
}

/** When a channel last sent a message of a kind: one message per kind per interval, whichever process sends it. */
interface AlertBatchTable {
  channel_id: string;
  /** the batch: one kind of one customer (`held:<tenant id>`) */
  kind: string;
  last_sent_at: string | null;
}

/** Each tenant's subscription to Microsoft Graph's change notifications on its users. */
export interface GraphSubscriptionTable {
  tenant_id: string;
  subscription_id: string | null;
  /** the subscription's clientState, encrypted like the config's secrets */
  client_state: string | null;
  notification_url: string | null;
  expires_at: string | null;
  /** active, reauthorize (Graph asked), removed (Graph removed it), failed (could not be made or kept) */
  state: string;
  /** why the subscription is not active, for people */
  reason: string | null;
  failures: number;
  next_attempt_at: string | null;
  last_notice_at: string | null;
  updated_at: string;
}

/** Who syncs a tenant now, and since when; on SQLite the row is the lock, held while its lease is renewed. */
export interface TenantLockTable {
  tenant_id: string;
  /** this holding's own id: renewals and the release touch only the holding that made them */
  token: string;
  /** who started the run: `worker`, `daemon`, `web:alice`, `api:automation`, `cli:root` */
  holder: string;
  pid: number;
  /** the host name, for people */
  host: string;
  /** the boot and process namespace of the holder: where its pid can be checked */
  machine: string;
  acquired_at: string;
  expires_at: string;
}
