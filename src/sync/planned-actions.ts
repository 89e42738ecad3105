import type { OwnedPhone } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { DocAction, Outcome, PlannedAction, PsaAction } from '../domain/plan.ts';
import type { Reason } from '../domain/reason.ts';

/** The shared empty values of a plan: a tenant's worth of actions holds many, and one of each is enough. */
export const NO_KEYS: readonly string[] = [];
export const NO_PHONES: readonly OwnedPhone[] = [];
export const NO_REASONS: readonly Reason[] = Object.freeze([]);
export const DOC_NONE: DocAction = Object.freeze({ kind: 'none', contactId: null });
export const PSA_NONE: PsaAction = Object.freeze({ kind: 'none', contactId: null });

/** Nothing happens in the documentation platform; the contact, if any, is named. */
export function docNone(contactId: string | null): DocAction {
  return contactId === null ? DOC_NONE : { kind: 'none', contactId };
}

/** Nothing happens in the PSA; the contact, if any, is named. */
export function psaNone(contactId: number | null): PsaAction {
  return contactId === null ? PSA_NONE : { kind: 'none', contactId };
}

/** The user's outcome, read from the two legs: a PSA dispute or a hold first, then whether anything is written. */
export function outcomeOf(doc: DocAction, psa: PsaAction, held: boolean): Outcome {
  if (psa.kind === 'disputed') return 'disputed';
  if (held) return 'held';
  const writes =
    doc.kind === 'create' ||
    doc.kind === 'update' ||
    psa.kind === 'create' ||
    psa.kind === 'update' ||
    (psa.kind === 'link' && psa.write);
  return writes || psa.kind === 'link' ? 'synced' : 'unchanged';
}

/** The action of a user who is not synced: out of scope, or ignored by an operator. */
export function excluded(user: NormalizedUser, reasons: readonly Reason[]): PlannedAction {
  return {
    userId: user.id,
    userPrincipalName: user.source.userPrincipalName,
    displayName: user.source.displayName,
    outcome: 'excluded',
    rule: null,
    doc: DOC_NONE,
    psa: PSA_NONE,
    reasons,
    link: null,
  };
}
