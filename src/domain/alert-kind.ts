/** What can wait for a person: the kinds of the attention list, and what an alert can be about. */
export const ALERT_KINDS = ['conflict', 'held', 'guard-halt', 'failed', 'contract-mismatch'] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];
