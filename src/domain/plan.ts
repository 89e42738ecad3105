import type { DocContactFields, DocContactPatch } from './doc-contact.ts';
import type { LinkOrigin, MatchRule, OwnedPhone } from './link.ts';
import type { PsaContactFields } from './psa-contact.ts';
import type { Reason } from './reason.ts';
import type { TargetId } from './target-profile.ts';

/** One field that changes, shown to a person as old → new. */
export interface FieldDiff {
  /** the id of the target the field is in, once the change is reported (the planner's diffs are per target already) */
  readonly system?: TargetId;
  readonly field: string;
  readonly old: string | null;
  readonly new: string | null;
}

/** What happens to the user's contact in the documentation platform. */
export type DocAction =
  /** a create's diff is every field from nothing: see `docCreateDiffs` */
  | { readonly kind: 'create'; readonly fields: DocContactFields }
  | {
      readonly kind: 'update';
      readonly contactId: string;
      readonly patch: DocContactPatch;
      readonly diffs: readonly FieldDiff[];
    }
  | {
      readonly kind: 'inactivate';
      readonly contactId: string;
      readonly patch: DocContactPatch;
      readonly diffs: readonly FieldDiff[];
    }
  | { readonly kind: 'unchanged'; readonly contactId: string }
  /**
   * the contact is kept in step with a PSA contact by the documentation platform's own PSA integration, which refuses
   * API edits: nothing is written to the documentation platform, the change goes to that PSA contact and comes back
   * through the platform's PSA sync
   */
  | { readonly kind: 'mirrored'; readonly contactId: string; readonly psaContactId: number }
  | { readonly kind: 'disputed'; readonly candidateIds: readonly string[] }
  /**
   * a field the platform requires has no value: nothing is written to the platform (the contact it has, if any, is
   * named), and the PSA leg goes on as it would without a documentation platform
   */
  | { readonly kind: 'held'; readonly contactId: string | null }
  | { readonly kind: 'none'; readonly contactId: string | null };

/** What happens to the user's contact in the PSA. */
export type PsaAction =
  /** a create's diff is every field from nothing: see `psaCreateDiffs` */
  | { readonly kind: 'create'; readonly fields: PsaContactFields }
  /** an existing PSA contact of the customer is adopted; `write` says whether its mapped fields change */
  | {
      readonly kind: 'link';
      readonly contactId: number;
      readonly fields: PsaContactFields;
      readonly diffs: readonly FieldDiff[];
      readonly write: boolean;
    }
  | {
      readonly kind: 'update';
      readonly contactId: number;
      readonly fields: PsaContactFields;
      readonly diffs: readonly FieldDiff[];
    }
  /** only the active flag changes; the connector keeps every other field as the PSA holds it */
  | { readonly kind: 'inactivate'; readonly contactId: number; readonly diffs: readonly FieldDiff[] }
  | {
      readonly kind: 'unchanged';
      readonly contactId: number;
      /** the fields the contact holds, when its link does not remember them yet: the link records them as written */
      readonly remember?: PsaContactFields;
    }
  | { readonly kind: 'held' }
  | { readonly kind: 'disputed'; readonly candidateIds: readonly number[] }
  | { readonly kind: 'disabled'; readonly contactId: number | null }
  | { readonly kind: 'none'; readonly contactId: number | null };

export type Outcome =
  | 'synced'
  | 'unchanged'
  | 'held'
  | 'disputed'
  | 'excluded'
  | 'inactivated'
  | 'pending-approval'
  | 'disabled';

/** What the link of the user looks like once the action is applied (ids of created records are filled in by apply). */
export interface LinkIntent {
  /** how the documentation contact was first matched ("hand": a person chose it); null when contactsync created it */
  readonly rule: LinkOrigin | null;
  readonly ownedEmails: readonly string[];
  readonly ownedPhones: readonly OwnedPhone[];
}

/** The single action planned for one directory user (or for a linked user who is gone). */
export interface PlannedAction {
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly displayName: string | null;
  readonly outcome: Outcome;
  /** the rule that matched, or the tier at which a dispute arose */
  readonly rule: MatchRule | null;
  readonly doc: DocAction;
  readonly psa: PsaAction;
  readonly reasons: readonly Reason[];
  /** present when the action leaves the user linked */
  readonly link: LinkIntent | null;
}

/** The longest text each system takes in names and titles; longer values are shortened, with a reason. */
export interface TextLimits {
  readonly doc: number;
  readonly psa: number;
  /** the PSA's limit for a job title, where it differs from its names' (the names' otherwise) */
  readonly psaTitle?: number;
}

type TenantPlanStatus = 'ok' | 'needs approval';

export interface DeletionGuardVerdict {
  readonly inactivations: number;
  readonly linkedContacts: number;
  readonly tripped: boolean;
}

export interface Plan {
  readonly tenantId: string;
  readonly status: TenantPlanStatus;
  readonly guard: DeletionGuardVerdict;
  /** one per user, sorted by user id */
  readonly actions: readonly PlannedAction[];
}

/** True when the action writes to a target. */
export function actionWrites(action: PlannedAction): boolean {
  const doc = action.doc.kind === 'create' || action.doc.kind === 'update' || action.doc.kind === 'inactivate';
  const psa =
    action.psa.kind === 'create' ||
    action.psa.kind === 'update' ||
    action.psa.kind === 'inactivate' ||
    (action.psa.kind === 'link' && action.psa.write);
  return doc || psa;
}
