import type { AlertKind } from '../domain/alert-kind.ts';

/** How each kind reads in a message title: "3 new conflicts", "1 held contact". */
export const ALERT_KIND_NAMES: Readonly<Record<AlertKind, { readonly one: string; readonly many: string }>> = {
  conflict: { one: 'new conflict to decide', many: 'new conflicts to decide' },
  held: { one: 'contact held from BMS', many: 'contacts held from BMS' },
  'guard-halt': { one: 'deletion-guard halt to approve', many: 'deletion-guard halts to approve' },
  failed: { one: 'failed sync', many: 'failed syncs' },
  'contract-mismatch': { one: 'contract mismatch', many: 'contract mismatches' },
};

/** The title of a message: how many of what, and at which customers (the first three named, the rest counted). */
export function alertTitle(kind: AlertKind, count: number, customers: readonly string[] = []): string {
  const names = ALERT_KIND_NAMES[kind];
  const distinct = [...new Set(customers)];
  const named = distinct.slice(0, 3).join(', ');
  const rest = distinct.length - 3;
  const at = distinct.length === 0 ? '' : ` at ${named}${rest > 0 ? ` and ${rest} more` : ''}`;
  return `${count} ${count === 1 ? names.one : names.many}${at}`;
}
