import type { Plan, PlannedAction } from '../domain/plan.ts';
import { reason } from '../domain/reason.ts';

/** A contact contactsync created for a user, as the write journal of any run recorded it. */
export interface CreatedContact {
  readonly userId: string;
  readonly system: 'itglue' | 'bms';
  readonly targetId: string;
}

/** A dispute a person settled: the same contacts are not disputed again. */
export interface SettledDispute {
  readonly userId: string;
  readonly side: 'itglue' | 'bms';
  readonly candidates: readonly string[];
}

const SYSTEM_NAME = { itglue: 'IT Glue', bms: 'BMS' } as const;

function createdTwiceReason(side: 'itglue' | 'bms', ids: readonly string[]) {
  return reason(
    'created-twice',
    `contactsync created ${ids.length} ${SYSTEM_NAME[side]} contacts for this user (${ids.join(', ')}), and all are still there; a person must choose the one to keep (the others are left as they are).`,
  );
}

/** Outcomes where the user is left alone anyway: no dispute is added. */
const LEFT_ALONE = new Set(['excluded', 'disabled', 'disputed']);

/**
 * Users for whom contactsync created two or more contacts in one system that are all still there (runs that once
 * overlapped, or a run that lost its tenant's lock) are disputed on that side: a person chooses the contact to keep,
 * instead of the later contact being reported unchanged and the other forgotten. Pure: the caller reads the journal,
 * the contacts that exist and the settled disputes.
 */
export function disputeContactsCreatedTwice(
  plan: Plan,
  created: readonly CreatedContact[],
  existing: { readonly doc: ReadonlySet<string>; readonly psa: ReadonlySet<string> },
  settled: readonly SettledDispute[],
): Plan {
  const byUser = new Map<string, { itglue: Set<string>; bms: Set<string> }>();
  for (const record of created) {
    if (!existing[record.system === 'itglue' ? 'doc' : 'psa'].has(record.targetId)) continue;
    let entry = byUser.get(record.userId);
    if (entry === undefined) byUser.set(record.userId, (entry = { itglue: new Set(), bms: new Set() }));
    entry[record.system].add(record.targetId);
  }
  const isSettled = (userId: string, side: 'itglue' | 'bms', ids: readonly string[]) =>
    settled.some((s) => s.userId === userId && s.side === side && ids.every((id) => s.candidates.includes(id)));
  const twice = (action: PlannedAction, side: 'itglue' | 'bms'): string[] | null => {
    const ids = [...(byUser.get(action.userId)?.[side] ?? [])].sort((a, b) =>
      side === 'bms' ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0,
    );
    return ids.length >= 2 && !isSettled(action.userId, side, ids) ? ids : null;
  };
  if (byUser.size === 0) return plan;
  return {
    ...plan,
    actions: plan.actions.map((action): PlannedAction => {
      if (LEFT_ALONE.has(action.outcome)) return action;
      const doc = twice(action, 'itglue');
      if (doc !== null)
        return {
          ...action,
          outcome: 'disputed',
          doc: { kind: 'disputed', candidateIds: doc },
          psa: { kind: 'none', contactId: null },
          reasons: [createdTwiceReason('itglue', doc)],
          link: null,
        };
      const psa = twice(action, 'bms');
      if (psa !== null)
        return {
          ...action,
          outcome: 'disputed',
          psa: { kind: 'disputed', candidateIds: psa.map(Number) },
          reasons: [...action.reasons, createdTwiceReason('bms', psa)],
        };
      return action;
    }),
  };
}
