import type { MatchRule } from './link.ts';
import type { FieldDiff } from './plan.ts';
import type { Reason } from './reason.ts';

/** What a run (or Sync now) did for one person. */
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
