import type { Plan, PlannedAction } from '../domain/plan.ts';
import { reason } from '../domain/reason.ts';
import type { Targets } from '../domain/target-profile.ts';

/** The role of the target a record concerns. */
export type ContactRole = 'doc' | 'psa';

/** A contact contactsync created for a user, as the write journal of any run recorded it. */
interface CreatedContact {
  readonly userId: string;
  readonly role: ContactRole;
  readonly contactId: string;
}

/** A dispute a person settled: the same contacts are not disputed again. */
interface SettledDispute {
  readonly userId: string;
  readonly role: ContactRole;
  readonly candidates: readonly string[];
}

/** What the planner is told of the contacts contactsync created: an input of the plan, read by the run. */
export interface CreatedContactFacts {
  /** every contact contactsync created for the tenant's users, by any run */
  readonly created: readonly CreatedContact[];
  readonly settled: readonly SettledDispute[];
}

/** The part of the planner's input this rule reads: the facts, and the contacts each target holds now. */
interface CreatedTwiceInput {
  /** the targets, whose names the disputes' reasons give */
  readonly targets: Targets;
  readonly createdContacts?: CreatedContactFacts | undefined;
  readonly doc?: { readonly contacts: readonly { readonly id: string }[] } | null;
  readonly psa?: { readonly contacts: readonly { readonly id: number }[] } | null;
}

function createdTwiceReason(targets: Targets, role: ContactRole, ids: readonly string[]) {
  const name = targets[role]?.words.name ?? role;
  return reason(
    'created-twice',
    `contactsync created ${ids.length} ${name} contacts for this user (${ids.join(', ')}), and all are still there; a person must choose the one to keep (the others are left as they are).`,
  );
}

/** Outcomes where the user is left alone anyway: no dispute is added. */
const LEFT_ALONE = new Set(['excluded', 'disabled', 'disputed']);

/** The ids of each user's created contacts that still exist, by role. */
function stillThere(
  facts: CreatedContactFacts,
  input: CreatedTwiceInput,
): Map<string, Record<ContactRole, Set<string>>> {
  const existing: Record<ContactRole, ReadonlySet<string>> = {
    doc: new Set((input.doc?.contacts ?? []).map((c) => c.id)),
    psa: new Set((input.psa?.contacts ?? []).map((c) => String(c.id))),
  };
  const byUser = new Map<string, Record<ContactRole, Set<string>>>();
  for (const record of facts.created) {
    if (!existing[record.role].has(record.contactId)) continue;
    let entry = byUser.get(record.userId);
    if (entry === undefined) byUser.set(record.userId, (entry = { doc: new Set(), psa: new Set() }));
    entry[record.role].add(record.contactId);
  }
  return byUser;
}

/**
 * Users for whom contactsync created two or more contacts in one target that are all still there (runs that once
 * overlapped, or a run that lost its tenant's lock) are disputed on that side: a person chooses the contact to keep,
 * instead of the later contact being reported unchanged and the other forgotten. Pure: the run reads the journal and
 * the settled disputes into `input.createdContacts`; the planner applies this rule last.
 */
export function disputeContactsCreatedTwice(plan: Plan, input: CreatedTwiceInput): Plan {
  const facts = input.createdContacts;
  if (facts === undefined || facts.created.length === 0) return plan;
  const byUser = stillThere(facts, input);
  if (byUser.size === 0) return plan;
  const isSettled = (userId: string, role: ContactRole, ids: readonly string[]) =>
    facts.settled.some((s) => s.userId === userId && s.role === role && ids.every((id) => s.candidates.includes(id)));
  const twice = (action: PlannedAction, role: ContactRole): string[] | null => {
    const ids = [...(byUser.get(action.userId)?.[role] ?? [])].sort((a, b) =>
      role === 'psa' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
    );
    return ids.length >= 2 && !isSettled(action.userId, role, ids) ? ids : null;
  };
  return {
    ...plan,
    actions: plan.actions.map((action): PlannedAction => {
      if (LEFT_ALONE.has(action.outcome)) return action;
      const doc = twice(action, 'doc');
      if (doc !== null)
        return {
          ...action,
          outcome: 'disputed',
          doc: { kind: 'disputed', candidateIds: doc },
          psa: { kind: 'none', contactId: null },
          reasons: [createdTwiceReason(input.targets, 'doc', doc)],
          link: null,
        };
      const psa = twice(action, 'psa');
      if (psa !== null)
        return {
          ...action,
          outcome: 'disputed',
          psa: { kind: 'disputed', candidateIds: psa.map(Number) },
          reasons: [...action.reasons, createdTwiceReason(input.targets, 'psa', psa)],
        };
      return action;
    }),
  };
}
