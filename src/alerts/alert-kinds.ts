import type { AlertKind } from '../domain/alert-kind.ts';
import type { Targets } from '../domain/target-profile.ts';

/** How one kind reads in a message title: "3 new conflicts", "1 held contact". */
export interface AlertKindName {
  readonly one: string;
  readonly many: string;
}

/** The target a contact is held from, as users read it: the PSA, whose required fields hold it, else the other. */
export function heldFrom(targets: Targets): string {
  return (targets.psa ?? targets.doc)?.words.name ?? 'the target';
}

/** How each kind reads in a message title, a held contact naming the target it is held from. */
export function alertKindNames(targets: Targets): Readonly<Record<AlertKind, AlertKindName>> {
  const from = heldFrom(targets);
  return {
    conflict: { one: 'new conflict to decide', many: 'new conflicts to decide' },
    held: { one: `contact held from ${from}`, many: `contacts held from ${from}` },
    'guard-halt': { one: 'deletion-guard halt to approve', many: 'deletion-guard halts to approve' },
    failed: { one: 'failed sync', many: 'failed syncs' },
    'contract-mismatch': { one: 'contract mismatch', many: 'contract mismatches' },
  };
}

/** The title of a message: how many of what, and at which customers (the first three named, the rest counted). */
export function alertTitle(
  targets: Targets,
  kind: AlertKind,
  count: number,
  customers: readonly string[] = [],
): string {
  const names = alertKindNames(targets)[kind];
  const distinct = [...new Set(customers)];
  const named = distinct.slice(0, 3).join(', ');
  const rest = distinct.length - 3;
  const at = distinct.length === 0 ? '' : ` at ${named}${rest > 0 ? ` and ${rest} more` : ''}`;
  return `${count} ${count === 1 ? names.one : names.many}${at}`;
}
