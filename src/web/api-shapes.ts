import { type TargetProfile, type Targets } from '../domain/target-profile.ts';
import type { DeepLinks } from '../operations/deep-links.ts';
import type { HistoryEntry, TenantRecord } from '../store/state-store.ts';
import { reportedUser } from '../sync/report.ts';
import type { ContactRow } from './contact-view.ts';

/**
 * The REST API's answers have shapes of their own: the store's records and the pages' views are turned into them
 * here, with one key per target present named by the target's id (the keys of today's API).
 */

/** The key of the customer record's name beside its id (`bmsAccountName` beside `bmsAccountId`). */
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
  const { id, displayName, docCustomerId, docCustomerName, psaCustomerId, psaCustomerName, ...rest } = tenant;
  return {
    id,
    displayName,
    ...(targets.doc === null ? {} : customer(targets.doc, docCustomerId, docCustomerName)),
    ...(targets.psa === null ? {} : customer(targets.psa, psaCustomerId, psaCustomerName)),
    ...rest,
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
  };
}

export function apiHistory(history: readonly HistoryEntry[], targets: Targets): unknown[] {
  return history.map((entry) =>
    entry.result === null ? entry : { ...entry, result: reportedUser(entry.result, targets) },
  );
}

export function apiUnreadable(
  unreadable: { readonly doc: string | null; readonly psa: string | null },
  targets: Targets,
): Record<string, string | null> {
  return byTarget(targets, unreadable.doc, unreadable.psa);
}
