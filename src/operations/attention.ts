import { heldInactivations, someOf } from './held-inactivations.ts';
import { ALERT_KINDS, type AlertKind } from '../domain/alert-kind.ts';
import type { Reason } from '../domain/reason.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import { conflictSummary } from './conflict-summary.ts';

/**
 * Needs attention: every item across tenants that waits for a person, as it stands now — conflicts to decide,
 * contacts held from a target (with what would release them), deletion-guard halts, failed users and runs, contract
 * mismatches. One list for the page, `contactsync attention` and `/api/attention`.
 */
export type AttentionKind = AlertKind;
export const ATTENTION_KINDS = ALERT_KINDS;

/** What one decision can do to an item; a bulk action applies it to every item selected that allows it. */
export type AttentionAction = 'create' | 'ignore' | 'approve' | 'retry';

interface Release {
  /** what would release the contact, in words */
  readonly advice: string;
  /** the sync setting that releases it, when one does */
  readonly setting: string | null;
}

export interface AttentionItem {
  /** stable and short: `conflict:1a2b3c4d`, `held:<tenant>:<user>`, `guard-halt:<tenant>`, `failed:<tenant>:<user or run>` */
  readonly id: string;
  readonly kind: AttentionKind;
  readonly tenantId: string;
  readonly tenantName: string;
  /** the person (sign-in name) or, for a tenant-wide item, the tenant's name */
  readonly subject: string;
  readonly detail: string;
  /** since when it waits (the run or conflict that raised it) */
  readonly since: string;
  /** its page in the web UI */
  readonly path: string;
  readonly userId: string | null;
  readonly conflictId: string | null;
  readonly runId: string | null;
  readonly release: Release | null;
  readonly actions: readonly AttentionAction[];
}

export interface AttentionFilter {
  readonly kind?: AttentionKind | undefined;
  readonly tenantId?: string | undefined;
}

/** What releases a contact held for each reason, in the targets' words. */
function releases(targets: Targets): Readonly<Record<string, Release>> {
  const doc = targets.doc?.words ?? null;
  const psa = targets.psa?.words ?? null;
  return {
    'no-primary-phone': {
      advice: "give the user a phone in Microsoft 365, or set the tenant's blank-phone replacement",
      setting: 'phones.blankReplacement',
    },
    'no-location': {
      advice: `set the default location (location.default), or give the ${doc?.name ?? 'documentation'} contact a ${doc?.place ?? 'location'}`,
      setting: 'location.default',
    },
    'no-psa-location': {
      advice: `give the ${psa?.name ?? 'PSA'} ${psa?.customer ?? 'customer'} a main ${psa?.place ?? 'location'}${doc === null ? '' : `, or a ${psa?.place ?? 'location'} named as the ${doc.name} one`}`,
      setting: null,
    },
    'no-first-name': {
      advice: 'give the user a first name in Microsoft 365 (or a display name to split: names.splitDisplayName)',
      setting: 'names.splitDisplayName',
    },
    'no-last-name': {
      advice: 'give the user a last name in Microsoft 365 (or a display name to split: names.splitDisplayName)',
      setting: 'names.splitDisplayName',
    },
    'unknown-email-type': {
      advice: `name an email type ${psa?.name ?? 'the PSA'} has (psa.emailType)`,
      setting: 'psa.emailType',
    },
    'unknown-phone-type': {
      advice: `name a phone type ${psa?.name ?? 'the PSA'} has (psa.phoneType)`,
      setting: 'psa.phoneType',
    },
    'no-valid-email': { advice: 'give the user a valid mail address in Microsoft 365', setting: null },
  };
}

/** What would release a held contact, from the reasons it was held for. */
function releaseOf(reasons: readonly Reason[], targets: Targets): Release | null {
  const known = releases(targets);
  const found = reasons.map((r) => known[r.code]).filter((r): r is Release => r !== undefined);
  if (found.length === 0) return null;
  return {
    advice: found.map((r) => r.advice).join('; '),
    setting: found.find((r) => r.setting !== null)?.setting ?? null,
  };
}

/** The first 8 characters of an id: enough to tell conflicts apart, short enough to type. */
export const shortId = (id: string): string => id.slice(0, 8);

const tenantPath = (tenantId: string) => `/tenants/${encodeURIComponent(tenantId)}`;
const contactPath = (tenantId: string, userId: string) =>
  `/contacts/${encodeURIComponent(tenantId)}/${encodeURIComponent(userId)}`;
/** `1 item`, `3 items`: a count in words. */
export const counted = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The tenant's last run when it failed (it planned nothing: its people stand as the run before left them). */
async function failedRun(
  store: StateStore,
  tenantId: string,
): Promise<{ id: string; at: string; error: string } | null> {
  const [latest] = await store.listRuns(tenantId, 1);
  return latest !== undefined && latest.status === 'failed'
    ? { id: latest.id, at: latest.startedAt, error: latest.error ?? 'the run failed' }
    : null;
}

/** Every item that waits for a person, grouped by kind then customer (the order of ATTENTION_KINDS, then names). */
export async function attentionItems(
  store: StateStore,
  targets: Targets,
  filter: AttentionFilter = {},
): Promise<AttentionItem[]> {
  const tenants = (await store.listTenants()).filter((t) => filter.tenantId === undefined || t.id === filter.tenantId);
  const wants = (kind: AttentionKind) => filter.kind === undefined || filter.kind === kind;
  const items: AttentionItem[] = [];
  const conflicts = wants('conflict') ? await store.listConflicts({ status: 'open' }) : [];
  for (const tenant of tenants) {
    for (const c of conflicts.filter((x) => x.tenantId === tenant.id))
      items.push({
        id: `conflict:${shortId(c.id)}`,
        kind: 'conflict',
        tenantId: tenant.id,
        tenantName: tenant.displayName,
        subject: c.userPrincipalName,
        detail: conflictSummary(c, targets),
        since: c.createdAt,
        path: `/conflicts?tenant=${encodeURIComponent(tenant.id)}#conflict-${c.id}`,
        userId: c.userId,
        conflictId: c.id,
        runId: null,
        release: null,
        actions: ['create', 'ignore'],
      });
    if (tenant.status === 'needs approval' && wants('guard-halt')) items.push(...(await haltOf(store, tenant)));
    if (!wants('held') && !wants('failed') && !wants('contract-mismatch')) continue;
    const results = await store.standingResults(tenant.id);
    const lastFailed = await failedRun(store, tenant.id);
    for (const r of results) {
      if (r.outcome === 'held' && wants('held'))
        items.push({
          id: `held:${tenant.id}:${r.userId}`,
          kind: 'held',
          tenantId: tenant.id,
          tenantName: tenant.displayName,
          subject: r.userPrincipalName,
          detail: r.reasons.map((x) => x.message).join(' ') || `held from ${targets.psa?.words.name ?? 'the PSA'}`,
          since: r.heldSince,
          path: contactPath(tenant.id, r.userId),
          userId: r.userId,
          conflictId: null,
          runId: r.runId,
          release: releaseOf(r.reasons, targets),
          actions: ['retry'],
        });
    }
    const mismatched = results.filter((r) => r.reasons.some((x) => x.code === 'contract-mismatch'));
    if (mismatched.length > 0 && wants('contract-mismatch')) {
      const first = mismatched.flatMap((r) => r.reasons.filter((x) => x.code === 'contract-mismatch'))[0]!;
      const latest = mismatched.reduce((a, b) => (a.at > b.at ? a : b));
      items.push({
        id: `contract-mismatch:${tenant.id}`,
        kind: 'contract-mismatch',
        tenantId: tenant.id,
        tenantName: tenant.displayName,
        subject: tenant.displayName,
        detail: `${counted(mismatched.length, 'user')} not written: ${first.message}`,
        since: latest.at,
        path: latest.runId === null ? tenantPath(tenant.id) : `/runs/${encodeURIComponent(latest.runId)}`,
        userId: null,
        conflictId: null,
        runId: latest.runId,
        release: null,
        actions: ['retry'],
      });
    }
    if (!wants('failed')) continue;
    if (lastFailed !== null)
      items.push({
        id: `failed:${tenant.id}:run`,
        kind: 'failed',
        tenantId: tenant.id,
        tenantName: tenant.displayName,
        subject: tenant.displayName,
        detail: `the last sync failed: ${lastFailed.error}`,
        since: lastFailed.at,
        path: `/runs/${encodeURIComponent(lastFailed.id)}`,
        userId: null,
        conflictId: null,
        runId: lastFailed.id,
        release: null,
        actions: ['retry'],
      });
    for (const r of results.filter((x) => x.outcome === 'failed' && !mismatched.includes(x)))
      items.push({
        id: `failed:${tenant.id}:${r.userId}`,
        kind: 'failed',
        tenantId: tenant.id,
        tenantName: tenant.displayName,
        subject: r.userPrincipalName,
        detail: r.reasons.map((x) => x.message).join(' ') || 'the sync failed for this user',
        since: r.at,
        path: contactPath(tenant.id, r.userId),
        userId: r.userId,
        conflictId: null,
        runId: r.runId,
        release: null,
        actions: ['retry'],
      });
  }
  const order = new Map(ATTENTION_KINDS.map((k, i) => [k, i]));
  return items.sort(
    (a, b) =>
      order.get(a.kind)! - order.get(b.kind)! ||
      a.tenantName.localeCompare(b.tenantName) ||
      a.subject.localeCompare(b.subject),
  );
}

async function haltOf(store: StateStore, tenant: TenantRecord): Promise<AttentionItem[]> {
  const held = await heldInactivations(store, tenant.id);
  const { run } = held;
  return [
    {
      id: `guard-halt:${tenant.id}`,
      kind: 'guard-halt',
      tenantId: tenant.id,
      tenantName: tenant.displayName,
      subject: tenant.displayName,
      detail: `the deletion guard held back ${counted(held.people.length, 'inactivation')}${held.people.length === 0 ? '' : ` (${someOf(held.people)})`}: check who left, then approve`,
      since: run?.startedAt ?? '',
      path: `${tenantPath(tenant.id)}#approval`,
      userId: null,
      conflictId: null,
      runId: run?.id ?? null,
      release: null,
      actions: ['approve'],
    },
  ];
}

/** How many items of each kind, for the filters and the navigation. */
export function countByKind(items: readonly AttentionItem[]): Record<AttentionKind, number> {
  const counts = Object.fromEntries(ATTENTION_KINDS.map((k) => [k, 0])) as Record<AttentionKind, number>;
  for (const item of items) counts[item.kind] += 1;
  return counts;
}

/** One CSV cell: quoted when it must be; a cell a spreadsheet would run as a formula is kept as text. */
function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The items as CSV (RFC 4180), for a spreadsheet or a ticket. */
export function attentionCsv(items: readonly AttentionItem[], baseUrl: string): string {
  const rows = [
    ['kind', 'tenant', 'subject', 'detail', 'release', 'since', 'id', 'link'],
    ...items.map((i) => [
      i.kind,
      i.tenantName,
      i.subject,
      i.detail,
      i.release?.advice ?? '',
      i.since,
      i.id,
      `${baseUrl.replace(/\/+$/, '')}${i.path}`,
    ]),
  ];
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
