import { type TargetProfile, type Targets } from '../domain/target-profile.ts';
import type { DeepLinks } from '../operations/deep-links.ts';
import type { auditLine } from '../operations/audit-text.ts';
import type { Link, OperatorDecision } from '../domain/link.ts';
import type { AuditEntry } from '../domain/audit-entry.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { RunRecord } from '../domain/run-record.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { HistoryEntry } from '../domain/user-result.ts';
import { reportedUser } from '../sync/report.ts';
import type { ContactRow } from './contact-view.ts';

/**
 * The REST API's answers have shapes of their own: the store's records and the pages' views are turned into them
 * here, with one key per target present named by the target's id (the keys of today's API).
 */

/** The key of the customer record's name beside its id (`<customer>Name` beside `<customer>Id`). */
function customerNameKey(target: TargetProfile): string {
  return target.customerIdKey.replace(/Id$/, 'Name');
}

function customer(target: TargetProfile, customerId: unknown, name: unknown): Record<string, unknown> {
  return { [target.customerIdKey]: customerId, [customerNameKey(target)]: name };
}

/** Two values, keyed by the documentation platform's id and the PSA's, for the targets present. */
function byTarget<Value>(targets: Targets, doc: Value, psa: Value): Record<string, Value> {
  return {
    ...(targets.doc === null ? {} : { [targets.doc.id]: doc }),
    ...(targets.psa === null ? {} : { [targets.psa.id]: psa }),
  };
}

export function apiTenant(tenant: TenantRecord, targets: Targets): Record<string, unknown> {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    ...(targets.doc === null ? {} : customer(targets.doc, tenant.docCustomerId, tenant.docCustomerName)),
    ...(targets.psa === null ? {} : customer(targets.psa, tenant.psaCustomerId, tenant.psaCustomerName)),
    mappingNote: tenant.mappingNote,
    mapping: tenant.mapping,
    status: tenant.status,
    approveInactivations: tenant.approveInactivations,
    dirty: tenant.dirty,
  };
}

export function apiRows(rows: readonly ContactRow[], targets: Targets): Record<string, unknown>[] {
  return rows.map(({ doc, psa, ...row }) => ({
    field: row.field,
    microsoft: row.microsoft,
    ...byTarget(targets, doc, psa),
    differs: row.differs,
  }));
}

export function apiLinks(links: DeepLinks, targets: Targets): Record<string, unknown> {
  return {
    microsoft: links.microsoft,
    ...byTarget(targets, links.doc, links.psa),
    ...(targets.doc === null ? {} : { [`${targets.doc.id}Hint`]: links.docHint }),
    ...(targets.psa === null ? {} : { [`${targets.psa.id}Hint`]: links.psaHint }),
  };
}

export function apiHistory(history: readonly HistoryEntry[], targets: Targets): unknown[] {
  return history.map((entry) => ({
    at: entry.at,
    runId: entry.runId,
    action: entry.action,
    result: entry.result === null ? null : reportedUser(entry.result, targets),
  }));
}

/** What ties a person to their contacts (the contact ids by role, as today's API gives them). */
export function apiLink(link: Link | null): Record<string, unknown> | null {
  if (link === null) return null;
  return {
    userId: link.userId,
    // null when the person is linked in the PSA alone (no documentation platform, or held from it)
    docContactId: link.docContactId === '' ? null : link.docContactId,
    psaContactId: link.psaContactId,
    rule: link.rule,
    ...(link.psaOrigin === undefined ? {} : { psaOrigin: link.psaOrigin }),
    syncDisabled: link.syncDisabled,
    ownedEmails: link.ownedEmails,
    ownedPhones: link.ownedPhones,
    psaPushed: link.psaPushed,
  };
}

export function apiDecision(decision: OperatorDecision & { readonly at: string }): Record<string, unknown> {
  return { userId: decision.userId, side: decision.side, choice: decision.choice, at: decision.at };
}

/** A dispute of the conflicts queue; `side` is the id of the target it is in. */
export function apiConflict(conflict: ConflictRecord): Record<string, unknown> {
  return {
    id: conflict.id,
    tenantId: conflict.tenantId,
    userId: conflict.userId,
    userPrincipalName: conflict.userPrincipalName,
    side: conflict.side,
    rule: conflict.rule,
    candidates: conflict.candidates,
    ...(conflict.candidateLabels === undefined ? {} : { candidateLabels: conflict.candidateLabels }),
    status: conflict.status,
    resolution: conflict.resolution,
    resolutionTarget: conflict.resolutionTarget,
    createdAt: conflict.createdAt,
  };
}

export function apiRun(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    tenantId: run.tenantId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    counts: run.counts,
    error: run.error,
  };
}

/** An entry of the audit log, with the line that says it in words. */
export function apiAuditEntry(entry: AuditEntry, text: ReturnType<typeof auditLine>): Record<string, unknown> {
  return {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details,
    tenantId: entry.tenantId,
    userId: entry.userId,
    text,
  };
}

export function apiUnreadable(
  unreadable: { readonly doc: string | null; readonly psa: string | null },
  targets: Targets,
): Record<string, string | null> {
  return byTarget(targets, unreadable.doc, unreadable.psa);
}
