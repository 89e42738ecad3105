/** What an alert can be about: each waits for a person. */
export const ALERT_KINDS = ['conflict', 'held', 'guard-halt', 'failed', 'contract-mismatch'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** How each kind reads in a message title: "3 new conflicts", "1 held contact". */
export const ALERT_KIND_NAMES: Readonly<Record<AlertKind, { readonly one: string; readonly many: string }>> = {
  conflict: { one: 'new conflict to decide', many: 'new conflicts to decide' },
  held: { one: 'contact held from BMS', many: 'contacts held from BMS' },
  'guard-halt': { one: 'deletion-guard halt to approve', many: 'deletion-guard halts to approve' },
  failed: { one: 'failed sync', many: 'failed syncs' },
  'contract-mismatch': { one: 'contract mismatch', many: 'contract mismatches' },
};

export function alertTitle(kind: AlertKind, count: number): string {
  const names = ALERT_KIND_NAMES[kind];
  return `${count} ${count === 1 ? names.one : names.many}`;
}
