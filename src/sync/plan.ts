import type { Plan, PlannedAction } from '../domain/plan.ts';
import { disputeContactsCreatedTwice } from './created-twice.ts';
import { trimmed } from './doc-fields.ts';
import { planLeaversUnderGuard, type GuardedLeavers } from './leavers.ts';
import { matchDocContacts, planDocLeg, planWithoutDoc, type Pending } from './plan-doc-leg.ts';
import { indexTenant } from './plan-index.ts';
import { planPsaLeg } from './plan-psa-leg.ts';
import { scopeUsers } from './plan-scope.ts';
import { NO_KEYS, NO_PHONES, NO_REASONS, outcomeOf, userAction } from './planned-actions.ts';
import type { TenantSyncInput } from './tenant-sync-input.ts';

export { docLabel, psaLabel } from './contact-names.ts';
export type { TenantSyncInput } from './tenant-sync-input.ts';

/**
 * Plans one tenant: for each user one action with its reasons and field-level diffs (Scenarios 1–3 of DESIGN.md,
 * no-change, leavers under the deletion guard, held contacts, disputes). Pure: same input, same plan, whatever the
 * order of the input lists.
 *
 * The stages run in the order of DESIGN.md's pipeline. Each user's action is written once, into its place in the
 * users' order, by the stage that settles it: scope (excluded), the documentation leg (disputed, sync disabled, no
 * valid email), settle (every other user in scope, after the PSA leg), or the leavers under the deletion guard. A role
 * the installation has no target for is not planned: its action is `none`, and the other leg is planned alone.
 */
export function planTenantSync(input: TenantSyncInput): Plan {
  // Nothing below depends on the order of users (matching is order-free); the actions are sorted at the end.
  const tenant = indexTenant(input);
  const scope = scopeUsers(input, tenant);
  const pending =
    input.targets.doc === null
      ? planWithoutDoc(scope, tenant)
      : planDocLeg(scope, matchDocContacts(scope.users, input.doc.contacts, tenant), tenant, input.doc.contacts);
  planPsaLeg(pending, input, tenant);
  settleActions(pending, scope.slots, input.targets.doc !== null);
  const leavers = planLeaversUnderGuard(scope.leavers, input, tenant, scope.slots);
  return disputeContactsCreatedTwice(reportPlan(input.tenantId, scope.slots, leavers), input);
}

/**
 * Settle: takes the pending entries, whose documentation and PSA actions are both planned, and writes each one's
 * action into its place in `slots`: the outcome read from the two legs, the reasons, and the link the user keeps
 * (with the emails and phones contactsync owns on the documentation contact once the plan is applied).
 */
function settleActions(pending: readonly Pending[], slots: PlannedAction[], hasDoc: boolean): void {
  for (let p = 0; p < pending.length; p++) {
    const entry = pending[p]!;
    const { user, docFields: doc } = entry;
    // Nothing is written on a mirrored contact, on a held one, nor without a documentation platform: it owns what it
    // owned before.
    const keepsOwned = !hasDoc || entry.doc.kind === 'mirrored' || entry.doc.kind === 'held';
    slots[entry.slot] = userAction(
      user,
      outcomeOf(entry.doc, entry.psa, entry.held),
      entry.rule,
      entry.doc,
      entry.psa,
      entry.reasons === null ? NO_REASONS : trimmed(entry.reasons),
      {
        rule: entry.rule === 'link' ? (entry.link?.rule ?? null) : entry.rule,
        ownedEmails: keepsOwned ? (entry.link?.ownedEmails ?? NO_KEYS) : doc.ownedEmails,
        ownedPhones: keepsOwned ? (entry.link?.ownedPhones ?? NO_PHONES) : doc.ownedPhones,
      },
    );
  }
}

/**
 * Report: takes every user's action (in the users' order), the actions of users gone from the directory and the
 * guard's verdict, and gives the tenant's plan: its status (`needs approval` when the guard tripped), the verdict,
 * and one action per user sorted by user id.
 */
function reportPlan(tenantId: string, slots: PlannedAction[], leavers: GuardedLeavers): Plan {
  const { gone, guard } = leavers;
  const actions = gone.length === 0 ? slots : [...slots, ...gone];
  // Users read from the store come sorted by id, and then no sort is needed.
  if (!isSortedByUserId(actions)) actions.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return {
    tenantId,
    status: guard.tripped ? 'needs approval' : 'ok',
    guard,
    actions,
  };
}

function isSortedByUserId(actions: readonly PlannedAction[]): boolean {
  for (let i = 1; i < actions.length; i++) if (actions[i - 1]!.userId > actions[i]!.userId) return false;
  return true;
}
