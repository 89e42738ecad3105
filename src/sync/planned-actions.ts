import type { MatchRule, OwnedPhone } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { DocAction, LinkIntent, Outcome, PlannedAction, PsaAction } from '../domain/plan.ts';
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

/**
 * A present user's action, written whole in one literal: every action of a plan then shares one shape, which keeps a
 * tenant's worth of them small and quick to read (an action spread from a smaller object gets a shape of its own).
 */
export function userAction(
  user: NormalizedUser,
  outcome: Outcome,
  rule: MatchRule | null,
  doc: DocAction,
  psa: PsaAction,
  reasons: readonly Reason[],
  link: LinkIntent | null,
): PlannedAction {
  return {
    userId: user.id,
    userPrincipalName: user.source.userPrincipalName,
    displayName: user.source.displayName,
    outcome,
    rule,
    doc,
    psa,
    reasons,
    link,
  };
}

/** The action of a user who is not synced: out of scope, or ignored by an operator. */
export function excluded(user: NormalizedUser, reasons: readonly Reason[]): PlannedAction {
  return userAction(user, 'excluded', null, DOC_NONE, PSA_NONE, reasons, null);
}
