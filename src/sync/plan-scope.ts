import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { PlannedAction } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { TenantIndex } from './plan-index.ts';
import { excluded } from './planned-actions.ts';
import { createScopeFilter } from './scope.ts';
import type { TenantSyncInput } from './tenant-sync-input.ts';

export interface Leaver {
  /** the user's position in the input, or null when the user is gone from the directory */
  readonly slot: number | null;
  readonly userId: string;
  readonly upn: string;
  readonly displayName: string | null;
  readonly reasons: readonly Reason[];
}

export interface ScopedUsers {
  /** one action per user, in the users' order; each stage fills the places of the users it settles */
  readonly slots: PlannedAction[];
  /** the users in scope, who go on to matching, and the place of each in `slots` */
  readonly users: readonly NormalizedUser[];
  readonly userSlots: readonly number[];
  /** linked users who left scope (they keep their place) or are gone from the directory (they have none) */
  readonly leavers: readonly Leaver[];
}

/**
 * Scope: takes every user the directory has and gives the users that should be contacts, with their places in the
 * plan. A user out of scope, or one an operator chose to ignore (on the side of the first target written), is settled
 * here as excluded with the reasons; a linked user out of scope, and a linked user gone from the directory, is a
 * leaver for the last stage.
 */
export function scopeUsers(input: TenantSyncInput, tenant: TenantIndex): ScopedUsers {
  const { users } = input;
  const { links, decided } = tenant;
  const firstSide = (tenant.targets.doc ?? tenant.targets.psa)!.id;
  const inScope = createScopeFilter({ settings: tenant.settings.scope, groupMemberIds: input.groupMemberIds });
  // One action per user, in the users' order (`slots`), then one per linked user who is gone.
  const slots: PlannedAction[] = new Array(users.length);
  const scoped: NormalizedUser[] = [];
  const scopedSlot: number[] = [];
  const presentIds = new Set<string>();
  const tracksPresence = links.size > 0;
  const leavers: Leaver[] = [];
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    if (tracksPresence) presentIds.add(user.id);
    const verdict = inScope(user.source);
    const link = links.get(user.id);
    if (!verdict.inScope) {
      if (link !== undefined)
        leavers.push({
          slot: u,
          userId: user.id,
          upn: user.source.userPrincipalName,
          displayName: user.source.displayName,
          reasons: verdict.reasons,
        });
      else slots[u] = excluded(user, verdict.reasons);
      continue;
    }
    if (decided(user.id, firstSide) === 'ignore' && link === undefined) {
      slots[u] = excluded(user, [reason('ignored', 'An operator chose to ignore this user.')]);
      continue;
    }
    scoped.push(user);
    scopedSlot.push(u);
  }
  for (const link of links.values()) {
    if (!presentIds.has(link.userId)) {
      leavers.push({
        slot: null,
        userId: link.userId,
        upn: '',
        displayName: null,
        reasons: [reason('deleted', 'The user no longer exists in Microsoft 365.')],
      });
    }
  }
  return { slots, users: scoped, userSlots: scopedSlot, leavers };
}
