import type { OperatorDecision } from './link.ts';

/** A write to a target, journalled before its request: the next run finishes what a crash left as an intent. */
export interface JournalEntry {
  readonly id: string;
  readonly runId: string;
  readonly tenantId: string;
  readonly userId: string;
  /** the target written to, by id */
  readonly system: OperatorDecision['side'];
  readonly operation: string;
  readonly payload: unknown;
  readonly status: 'intent' | 'done' | 'failed';
  readonly targetId: string | null;
}

/** A write about to be made, as the journal records it before the request. */
export type IntentEntry = Omit<JournalEntry, 'id' | 'status' | 'targetId'> & { readonly key: string };
