import type { Link } from '../domain/link.ts';
import type {
  DeletionGuardVerdict,
  DocAction,
  FieldDiff,
  LinkIntent,
  PlannedAction,
  PsaAction,
} from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import { presentTargets, type TargetProfile } from '../domain/target-profile.ts';
import { docLabel, psaLabel } from './contact-names.ts';
import { formerName } from './former-name.ts';
import { typeId, type TenantIndex } from './plan-index.ts';
import type { Leaver } from './plan-scope.ts';
import { docNone, psaNone } from './planned-actions.ts';
import { waitingCode } from './result-columns.ts';
import type { TenantSyncInput } from './tenant-sync-input.ts';

export interface GuardedLeavers {
  /** the actions of linked users who are gone from the directory, who have no place in the users' order */
  readonly gone: readonly PlannedAction[];
  readonly guard: DeletionGuardVerdict;
}

/**
 * Leavers and the guard: takes the leavers found by scope and plans each one's inactivation per the `psa.leavers`
 * setting, then weighs them all against the deletion guard: when it trips (and no operator approved), every
 * inactivation waits as pending approval. A leaver who left scope is written into its place in `slots`; the
 * actions of users gone from the directory are given back with the guard's verdict.
 */
export function planLeaversUnderGuard(
  leavers: readonly Leaver[],
  input: TenantSyncInput,
  tenant: TenantIndex,
  slots: PlannedAction[],
): GuardedLeavers {
  const { links } = tenant;
  const leaverActions = leavers.map((leaver) => planLeaver(leaver, links.get(leaver.userId)!, input, tenant));
  const inactivated = leaverActions.filter((action) => action.outcome === 'inactivated');
  const inactivations = inactivated.length;
  const { minCount, maxFraction } = tenant.settings.deletionGuard;
  // Each target is weighed on its own: its inactivations against the contacts linked in it.
  const weighed = presentTargets(tenant.targets).map((target) => {
    const isDoc = target === tenant.targets.doc;
    const count = inactivated.filter((a) => (isDoc ? a.doc.kind : a.psa.kind) === 'inactivate').length;
    let linked = 0;
    for (const l of links.values()) if (isDoc ? l.docContactId !== '' : l.psaContactId !== null) linked++;
    const trips = count > 0 && count >= minCount && count > maxFraction * linked;
    return { target, count, linked, trips };
  });
  const trippedBy = weighed.filter((w) => w.trips);
  const tripped = !input.approveInactivations && trippedBy.length > 0;
  const shown = trippedBy[0] ?? weighed.toSorted((a, b) => b.count - a.count)[0];
  const linkedContacts = shown?.linked ?? links.size;
  const why = trippedBy
    .map(
      (w) =>
        `${w.count} of ${w.linked} linked ${w.target.words.name} contacts would be ${inactivatedWord(w.target)} at once`,
    )
    .join(', and ');
  const gone: PlannedAction[] = [];
  for (let l = 0; l < leavers.length; l++) {
    const action = leaverActions[l]!;
    const slot = leavers[l]!.slot;
    const place = (planned: PlannedAction): void => {
      if (slot === null) gone.push(planned);
      else slots[slot] = planned;
    };
    if (tripped && action.outcome === 'inactivated') {
      place({
        ...action,
        outcome: 'pending-approval',
        doc: docNone(action.doc.kind === 'inactivate' ? action.doc.contactId : null),
        psa: psaNone(action.psa.kind === 'inactivate' ? action.psa.contactId : null),
        reasons: [
          ...action.reasons.flatMap((r) => (r.code === 'leaver' ? waitingLeaver(action, tenant) : [r])),
          reason(
            'deletion-guard',
            `${why} (the guard allows fewer than ${minCount} or at most ${Math.round(maxFraction * 100)}%); waiting for approval.`,
          ),
        ],
      });
    } else {
      place(action);
    }
  }
  return {
    gone,
    guard: { inactivations: shown?.count ?? inactivations, linkedContacts, tripped },
  };
}

/** What a leaver's contact undergoes in the target, in words: inactivated, archived, or given the leaver type. */
function inactivatedWord(target: TargetProfile): string {
  return target.leaver === 'inactivate'
    ? 'inactivated'
    : target.leaver === 'archive'
      ? 'archived'
      : 'marked as leavers';
}

/**
 * What approving a held inactivation will do, one reason per target that waits (`leaver-waiting-<id>`): nothing has
 * been written yet, and the report's columns can only say so.
 */
function waitingLeaver(action: PlannedAction, tenant: TenantIndex): Reason[] {
  const { doc, psa } = tenant.targets;
  const waiting: Reason[] = [];
  if (psa !== null && action.psa.kind === 'inactivate')
    waiting.push(
      reason(
        waitingCode(psa),
        `The user left scope: approving inactivates the ${psa.words.name} contact ${psaLabel(action.psa.contactId, tenant.linkedPsaContacts)}; nothing is written until an admin approves.`,
      ),
    );
  if (doc !== null && action.doc.kind === 'inactivate') {
    const contact = tenant.linkedDocContacts.get(action.doc.contactId);
    const named = contact === undefined ? action.doc.contactId : docLabel(contact);
    const write =
      doc.leaver === 'archive'
        ? `archives the ${doc.words.name} contact ${named}`
        : `sets the ${doc.words.name} contact ${named} to the type "${tenant.settings.psa.leaverContactType ?? 'leaver'}"`;
    waiting.push(
      reason(waitingCode(doc), `The user left scope: approving ${write}; nothing is written until an admin approves.`),
    );
  }
  return waiting;
}

/**
 * The documentation leg of a leaver: archived where the platform archives leavers, else the leaver type when the
 * setting names one; nothing on a mirrored contact.
 */
function docLeaver(link: Link, input: TenantSyncInput, tenant: TenantIndex): DocAction {
  const contact = tenant.linkedDocContacts.get(link.docContactId) ?? null;
  if (contact === null) return docNone(null);
  // The documentation platform refuses edits to a mirrored contact: inactivating its PSA contact is all there is to do.
  if (contact.mirroredPsaContactId !== null)
    return { kind: 'mirrored', contactId: contact.id, psaContactId: contact.mirroredPsaContactId };
  if (tenant.targets.doc?.leaver === 'archive')
    return contact.archived === true
      ? { kind: 'unchanged', contactId: contact.id }
      : {
          kind: 'inactivate',
          contactId: contact.id,
          patch: { archived: true },
          diffs: [{ field: 'archived', old: 'false', new: 'true' }],
        };
  const leaverTypeId = typeId(input.doc.contactTypes, tenant.settings.psa.leaverContactType);
  if (leaverTypeId === null || contact.contactTypeId === leaverTypeId)
    return { kind: 'unchanged', contactId: contact.id };
  const diffs: FieldDiff[] = [{ field: 'contact-type-id', old: contact.contactTypeId, new: leaverTypeId }];
  return { kind: 'inactivate', contactId: contact.id, patch: { contactTypeId: leaverTypeId }, diffs };
}

/** The PSA leg of a leaver: its contact made inactive, unless it is already, or sync with the PSA is disabled. */
function psaLeaver(link: Link, tenant: TenantIndex): PsaAction {
  if (tenant.targets.psa === null) return psaNone(null);
  if (link.syncDisabled === 'psa') return { kind: 'disabled', contactId: link.psaContactId };
  const contact = link.psaContactId === null ? undefined : tenant.linkedPsaContacts.get(link.psaContactId);
  if (contact === undefined) return psaNone(link.psaContactId);
  return contact.isActive
    ? { kind: 'inactivate', contactId: contact.id, diffs: [{ field: 'isActive', old: 'true', new: 'false' }] }
    : { kind: 'unchanged', contactId: contact.id };
}

function planLeaver(leaver: Leaver, link: Link, input: TenantSyncInput, tenant: TenantIndex): PlannedAction {
  const { settings } = input;
  const contact = tenant.linkedDocContacts.get(link.docContactId) ?? null;
  // A user gone from Microsoft 365 is named by what the link last knew, so that nobody approves an inactivation blind.
  const named =
    leaver.slot === null
      ? formerName(
          link,
          contact,
          (link.psaContactId === null ? undefined : tenant.linkedPsaContacts.get(link.psaContactId)) ?? null,
        )
      : { userPrincipalName: leaver.upn, displayName: leaver.displayName };
  const base = {
    userId: leaver.userId,
    ...named,
    rule: 'link' as const,
    link: { rule: link.rule, ownedEmails: link.ownedEmails, ownedPhones: link.ownedPhones } satisfies LinkIntent,
  };
  const psaContactId = tenant.targets.psa === null ? null : link.psaContactId;
  if (link.syncDisabled === 'all') {
    return {
      ...base,
      outcome: 'disabled',
      doc: docNone(contact?.id ?? null),
      psa: { kind: 'disabled', contactId: psaContactId },
      reasons: [...leaver.reasons, reason('sync-disabled', 'Sync is disabled for this contact.')],
    };
  }
  if (settings.psa.leavers === 'ignore') {
    return {
      ...base,
      outcome: 'excluded',
      doc: docNone(contact?.id ?? null),
      psa: psaNone(psaContactId),
      reasons: [
        ...leaver.reasons,
        reason(
          'leaver-ignored',
          'The user left scope; leavers are left as they are (setting psa.leavers is "ignore").',
        ),
      ],
    };
  }
  const doc = tenant.targets.doc === null ? docNone(null) : docLeaver(link, input, tenant);
  const psa = psaLeaver(link, tenant);
  const writes = doc.kind === 'inactivate' || psa.kind === 'inactivate';
  return {
    ...base,
    outcome: writes ? 'inactivated' : 'unchanged',
    doc,
    psa,
    reasons: [
      ...leaver.reasons,
      reason(
        'leaver',
        writes
          ? 'The user left scope: the contact is inactivated.'
          : 'The user left scope; the contact is already inactive.',
      ),
    ],
  };
}
